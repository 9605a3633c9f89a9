"""A drill-down's dimensions from the query string: a related record's must be its number
(else 404 on the page, 400 naming it in the API, never a 500), and its name is shown only
when the reader may see that record (a name out of scope must not leak through the label)."""

import datetime

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from shigan.accounts.system import system_actor
from shigan.campaigns.services import campaign_create
from shigan.initiatives.services import livelihood
from shigan.orgs.choices import Role

pytestmark = pytest.mark.django_db

D = datetime.date
TITLE = "苏尼特左旗牧区饮水安全工程"


@pytest.fixture
def sibling_item(units):
    system = system_actor("test")
    campaign = campaign_create(
        actor=system, name="学习贯彻主题教育", root_unit=units["region"], starts_on=D(2023, 4, 1)
    )
    area = livelihood.livelihood_area_create(actor=system, campaign=campaign, name="饮水安全")
    return livelihood.livelihood_item_create(
        actor=system, campaign=campaign, area=area, title=TITLE, unit=units["sibling"],
        listed_on=D(2023, 5, 4),
    )  # fmt: skip


def _records(key, **query):
    return (
        reverse("metrics:records", args=[key])
        + "?"
        + "&".join(f"{k}={v}" for k, v in query.items())
    )


def test_a_record_out_of_scope_is_not_named_by_the_drilldown(
    client, units, make_user, sibling_item
):
    client.force_login(make_user(Role.VIEWER, units["own"]))
    url = _records("initiatives.service_points", unit=units["own"].pk, item=sibling_item.pk)
    page = client.get(url)
    assert page.status_code == 200
    assert TITLE not in page.content.decode()
    export = client.get(url.replace("/records/?", "/records.xlsx?"))
    assert export.status_code == 200 and "%E8%8B%8F" not in export["Content-Disposition"]  # 苏
    client.force_login(make_user(Role.VIEWER, units["parent"]))  # the league sees it: named
    url = _records("initiatives.service_points", unit=units["parent"].pk, item=sibling_item.pk)
    assert TITLE in client.get(url).content.decode()


@pytest.mark.parametrize("value", ["abc", "1%20OR%201=1", "99999999999999999999999", "１"])
def test_a_related_dimension_that_is_no_number_is_refused(client, units, make_user, value):
    user = make_user(Role.VIEWER, units["own"])
    client.force_login(user)
    own = units["own"].pk
    assert client.get(_records("problems.found", unit=own, aspect=value)).status_code == 404
    api = APIClient()
    api.force_authenticate(user)
    for path in ("records/", "by/state/"):
        response = api.get(f"/api/metrics/problems.found/{path}?unit={own}&aspect={value}")
        assert response.status_code == 400
        assert response.json()["field"] == "aspect"


@pytest.mark.parametrize("name", ["unit", "campaign"])
def test_a_number_beyond_a_database_integer_is_not_a_server_error(client, units, make_user, name):
    client.force_login(make_user(Role.VIEWER, units["own"]))
    query = {"unit": units["own"].pk, name: "99999999999999999999999"}
    url = _records("problems.found", **query)
    assert client.get(url).status_code == 404
    assert client.get(url.replace("/records/?", "/records.xlsx?")).status_code == 404
