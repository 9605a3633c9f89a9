"""The figure catalogue over the API: the same figures as the pages, each with its records."""

import pytest

from shigan.dashboards.figures import CATALOGUE
from shigan.dashboards.tests.world import AS_OF, EXPECTED
from shigan.orgs.choices import Role

pytestmark = pytest.mark.django_db


def test_the_catalogue(client, office):
    client.force_login(office)
    body = client.get("/api/dashboards/catalogue/").json()
    assert [e["key"] for e in body] == list(CATALOGUE)
    assert {e["row"] for e in body} == set(range(1, 29))
    energy = next(e for e in body if e["key"] == "energy_capacity")
    assert (energy["measure"], energy["measure_label"]) == ("kw", "千瓦")


def test_every_figure_and_its_records(client, world, units, office):
    client.force_login(office)
    query = f"unit={units['region'].pk}&campaign={world['campaign'].pk}&as_of={AS_OF}"
    body = client.get(f"/api/dashboards/figures/?{query}").json()
    assert body["batch"] == world["batch"].pk
    values = {f["key"]: f["value"] for f in body["figures"]}
    assert values.pop("energy_capacity") == "550"  # 千瓦, the indicator's unit
    assert values == {
        k: (f"{v:.2f}" if not isinstance(v, int) else str(v))
        for k, v in EXPECTED.items()
        if k != "energy_capacity"
    }
    texts = {f["key"]: f["text"] for f in body["figures"]}
    assert texts["border_security_funds"] == "193.7亿元"
    assert texts["energy_capacity"] == "550千瓦"
    url = f"/api/dashboards/figures/self_inspection_problems/records/?{query}&page_size=2"
    ids, pages = [], 0
    while url:
        page = client.get(url).json()
        ids += [r["id"] for r in page["results"]]
        url, pages = page["next"], pages + 1
    assert len(ids) == len(set(ids)) == 4 and pages == 2


def test_out_of_scope_is_404(client, world, units, make_user):
    client.force_login(make_user(Role.EDITOR, units["sibling"]))
    query = f"unit={units['region'].pk}&campaign={world['campaign'].pk}"
    response = client.get(f"/api/dashboards/figures/?{query}")
    assert response.status_code == 404 and response.json()["code"] == "not_found"
    response = client.get(f"/api/dashboards/figures/batch_units/records/?{query}")
    assert response.status_code == 404
