"""The unit figures: received, first-time, resolved locally, on time, satisfaction — by subtree,
as of a date, each equal to the records its drill-down lists."""

import datetime

import pytest
from django.http import Http404

from shigan.accounts.system import system_actor
from shigan.metrics.selectors import metric_by_child, metric_records, metric_value
from shigan.petitions import selectors, services
from shigan.petitions.selectors import FIGURES
from shigan.petitions.tests.conftest import PERSON, D, id_number, intake

pytestmark = pytest.mark.django_db

day = datetime.timedelta(days=1)


def values(unit, as_of=None):
    return {
        k.split(".")[1]: metric_value(k, unit=unit, as_of=as_of, user=system_actor("test"))
        for k in FIGURES
    }


def agree(unit, as_of=None):
    """Every figure equals the count of the records behind it."""
    for key in FIGURES:
        records = metric_records(key, unit=unit, as_of=as_of, user=system_actor("test"))
        assert (
            metric_value(key, unit=unit, as_of=as_of, user=system_actor("test")) == records.count()
        ), key


def test_a_first_time_petition_resolved_at_the_sumu(replied, people, places):
    services.petition_rate(
        actor=people["gacha_agent"],
        petition=replied,
        satisfaction="satisfied",
        rated_on=D + 25 * day,
    )
    for unit in (places["gacha"], places["sumu"], places["banner"], places["league"]):
        assert values(unit) == {
            "received": 1,
            "first_time": 1,
            "resolved_locally": 1,
            "first_time_resolved_locally": 1,
            "replied": 1,
            "on_time": 1,
            "rated": 1,
            "satisfied": 1,
        }
        agree(unit)
    assert values(places["other_sumu"])["received"] == 0
    rows = metric_by_child(
        "petitions.first_time_resolved_locally", unit=places["banner"], user=system_actor("test")
    )
    by_unit = {r.unit.pk: r.value for r in rows if r.unit}
    assert by_unit[places["sumu"].pk] == 1 and by_unit[places["other_sumu"].pk] == 0
    assert list(
        metric_records(
            "petitions.first_time_resolved_locally",
            unit=places["banner"],
            user=system_actor("test"),
        )
    ) == [replied]


def test_as_of_dates(replied, places):
    banner = places["banner"]
    before = values(banner, as_of=D - day)
    assert before["received"] == 0
    on_intake = values(banner, as_of=D)
    assert on_intake["received"] == 1 and on_intake["resolved_locally"] == 0
    assert values(banner, as_of=D + 20 * day)["first_time_resolved_locally"] == 1
    agree(banner, as_of=D + 10 * day)


def test_a_review_request_takes_it_out_of_resolved_from_that_day(replied, people, places):
    services.petition_review_request(
        actor=people["gacha_agent"], petition=replied, requested_on=D + 30 * day
    )
    banner = places["banner"]
    assert values(banner)["resolved_locally"] == 0
    assert values(banner, as_of=D + 29 * day)["resolved_locally"] == 1
    assert values(banner)["replied"] == 1  # it was answered, on time, all the same
    agree(banner)
    agree(banner, as_of=D + 29 * day)


def test_not_first_time_and_county_answers_and_late_replies(agents, people, places):
    other = {**PERSON, "name": "王五", "id_number": id_number("15252719700101123")}
    repeat = intake(agents["gacha"], first_time=False, person=other, request="要求发放补贴")
    services.petition_route(
        actor=people["gacha_agent"], petition=repeat, to_unit=places["banner"], day=D
    )
    services.petition_accept(actor=people["banner_agent"], petition=repeat, accepted_on=D)
    services.petition_reply(
        actor=people["banner_agent"],
        petition=repeat,
        text="答复",
        replied_on=datetime.date(2023, 6, 5),  # Apr 3 + 60 = Jun 2 (Friday): late
        told_by="in_person",
    )
    banner = places["banner"]
    assert values(banner) == {
        "received": 1,
        "first_time": 0,
        "resolved_locally": 0,
        "first_time_resolved_locally": 0,
        "replied": 1,
        "on_time": 0,
        "rated": 0,
        "satisfied": 0,
    }
    agree(banner)


def test_unit_figures_rates_and_rows(replied, agents, places):
    intake(agents["sumu"], person={**PERSON, "name": "赵六"}, request="要求修路")
    with pytest.raises(Http404):  # figures too are read only for a user who sees the unit
        selectors.unit_figures(user=None, unit=places["banner"])
    figures = selectors.unit_figures(user=system_actor("test"), unit=places["banner"])
    assert figures["totals"]["petitions.received"] == 2
    assert figures["rates"]["first_time_local_rate"] == "50.0%"
    assert figures["rates"]["on_time_rate"] == "100.0%"
    assert figures["rates"]["satisfaction_rate"] == "—"
    sumu_row = next(r for r in figures["rows"] if r.unit and r.unit.pk == places["sumu"].pk)
    assert sumu_row.values["petitions.first_time"] == 2
    assert sumu_row.values["first_time_local_rate"] == "50.0%"


def test_drill_down_respects_scope(replied, people, places):
    records = metric_records("petitions.received", unit=places["sumu"], user=people["sumu_agent"])
    assert list(records) == [replied]
    from django.http import Http404

    with pytest.raises(Http404):
        metric_records("petitions.received", unit=places["sumu"], user=people["other_sumu_editor"])
