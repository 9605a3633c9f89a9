"""Every list whose rows grow with the data comes in pages (core.pagination.PAGE_SIZE rows), the
pager keeps the list's query string, and no row is lost or shown twice between the pages.

The page size is set to 2 here so that three rows make two pages; the rows are made through the
services, as the pages' users would make them."""

import datetime
import re
from urllib.parse import parse_qs

import pytest
from django.urls import reverse

from shigan.accounts.choices import SystemRole
from shigan.core import pagination
from shigan.orgs.choices import Role

pytestmark = pytest.mark.django_db

PER_PAGE = 2
ROWS = re.compile(r"<tbody>(.*?)</tbody>", re.S)


def accounts(make_user, units, power):
    admin = make_user(username="admin", system_role=power)
    for n in range(PER_PAGE):
        make_user(username=f"clerk{n}")
    return admin, reverse(
        "accounts:users" if power == SystemRole.SYSTEM_ADMIN else "accounts:security"
    )


def memberships(make_user, units):
    admin = make_user(Role.ADMIN, units["parent"], username="admin")
    for n in range(PER_PAGE + 1):
        make_user(Role.EDITOR, units["own"], username=f"clerk{n}")
    return admin, reverse("orgs:memberships", args=[units["own"].pk])


def agents(make_user, units):
    from shigan.petitions.services import agent_appoint

    admin = make_user(Role.ADMIN, units["own"], username="admin")
    clerk = make_user(Role.EDITOR, units["own"], username="clerk")
    for unit in (units["own"], units["child"], units["grandchild"]):
        agent_appoint(actor=admin, user=clerk, unit=unit, appointed_on=datetime.date(2023, 5, 1))
    return admin, reverse("petitions:agents", args=[units["own"].pk])


def briefings(make_user, units):
    from shigan.briefings.services import briefing_generate
    from shigan.dashboards.tests.world import AS_OF, build_world

    world = build_world(units, make_user(username="guide"))
    office = make_user(Role.ADMIN, units["region"], username="admin")
    for days in range(PER_PAGE + 1):
        briefing_generate(
            actor=office,
            campaign=world["campaign"],
            unit=units["region"],
            as_of=AS_OF - datetime.timedelta(days=days),
        )
    query = f"?unit={units['region'].pk}&campaign={world['campaign'].pk}"
    return office, reverse("briefings:list") + query


def tokens(make_user, units):
    from shigan.accounts.services import token_create

    clerk = make_user(Role.EDITOR, units["own"], username="clerk")
    for n in range(PER_PAGE + 1):
        token_create(actor=clerk, name=f"报表脚本{n}")
    return clerk, reverse("accounts:tokens")


def jobs(make_user, units):
    from shigan.core.jobs import job_create, job_kinds

    clerk = make_user(Role.EDITOR, units["own"], username="clerk")
    for _n in range(PER_PAGE + 1):
        job_create(actor=clerk, kind=next(iter(job_kinds())), unit=units["own"])
    return clerk, reverse("core:job_list")


LISTS = {
    "accounts": lambda make_user, units: accounts(make_user, units, SystemRole.SYSTEM_ADMIN),
    "security": lambda make_user, units: accounts(make_user, units, SystemRole.SECURITY_ADMIN),
    "memberships": memberships,
    "agents": agents,
    "briefings": briefings,
    "tokens": tokens,
    "jobs": jobs,
}


def rows_of(response) -> list[str]:
    """The rows of the page's list (its first table's body)."""
    body = ROWS.search(response.content.decode())
    assert body, "no table on the page"
    return re.findall(r"<tr\b.*?</tr>", body.group(1), re.S)


@pytest.mark.parametrize("name", list(LISTS))
def test_a_long_list_comes_in_pages_and_keeps_its_query(
    name, make_user, units, client, monkeypatch
):
    monkeypatch.setattr(pagination, "PAGE_SIZE", PER_PAGE)
    user, url = LISTS[name](make_user, units)
    client.force_login(user)
    joiner = "&" if "?" in url else "?"

    first = client.get(url)
    assert first.status_code == 200
    assert len(rows_of(first)) == PER_PAGE
    # The pager's link to page 2 keeps the list's own query (unit, campaign, filters).
    query = url.partition("?")[2]
    next_link = re.search(r'href="\?([^"]*page=2)"', first.content.decode())
    assert next_link, "no link to the second page"
    for part in filter(None, query.split("&")):
        assert part in next_link.group(1).replace("&amp;", "&")

    second = client.get(f"{url}{joiner}page=2")
    assert second.status_code == 200
    assert 1 <= len(rows_of(second)) <= PER_PAGE
    assert not set(rows_of(first)) & set(rows_of(second))


def test_the_pager_keeps_every_value_of_a_repeated_filter(rf):
    from django.core.paginator import Paginator
    from django.template.loader import render_to_string

    request = rf.get("/", {"state": ["open", "closed"], "q": "草场 边界", "page": "1"})
    page = Paginator(range(5), PER_PAGE).get_page(1)
    html = render_to_string("core/partials/pager.html", {"page": page}, request=request)
    link = re.search(r'href="\?([^"]*)"', html).group(1).replace("&amp;", "&")
    assert parse_qs(link) == {"state": ["open", "closed"], "q": ["草场 边界"], "page": ["2"]}
