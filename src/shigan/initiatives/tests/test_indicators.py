"""Indicators of key tasks (指标): declared with a unit from the fixed list, reported by the
projects under the task, summed exactly in the indicator's unit as of a date, with the reports
behind the sum; bad input is refused naming the field and changes nothing."""

import datetime
from decimal import Decimal

import pytest

from shigan.accounts.system import system_actor
from shigan.audit.models import AuditEntry
from shigan.core.errors import DomainError
from shigan.initiatives import selectors
from shigan.initiatives.models import IndicatorReport
from shigan.initiatives.services import indicators, key_tasks, projects
from shigan.metrics.engine import metric_rebuild
from shigan.metrics.registry import get_metric
from shigan.metrics.selectors import metric_value
from shigan.orgs.choices import Role

pytestmark = pytest.mark.django_db

D = datetime.date
KEY = "initiatives.indicator_values"


def refused(code, field, call, **kwargs):
    with pytest.raises(DomainError) as error:
        call(**kwargs)
    assert (error.value.code, error.value.field) == (code, field), error.value.message
    return error.value


@pytest.fixture
def energy(editor, campaign, units):
    task = key_tasks.key_task_create(
        actor=editor, campaign=campaign, unit=units["own"], area="energy",
        title="新能源基地建设", starts_on=D(2023, 4, 3), created_on=D(2023, 4, 3),
    )  # fmt: skip
    indicator = indicators.indicator_declare(
        actor=editor, key_task=task, name="新能源并网装机", measure="kw", target="5.31万千瓦"
    )
    return task, indicator


def _project(editor, campaign, task, unit, name="风电项目"):
    return projects.project_create(
        actor=editor, campaign=campaign, unit=unit, name=name, kind="energy",
        key_task=task, area="energy", approved_on=D(2023, 4, 10),
    )  # fmt: skip


def _sum(unit, indicator, as_of=None, campaign=None):
    value = metric_value(
        KEY,
        unit=unit,
        campaign=campaign,
        as_of=as_of,
        indicator=indicator.pk,
        user=system_actor("test"),
    )
    return Decimal(value or 0)


def test_declare_keeps_the_target_in_the_unit_and_audits(energy):
    _task, indicator = energy
    assert (indicator.measure, indicator.target) == ("kw", Decimal("53100"))
    assert str(indicator) == "新能源并网装机（千瓦）"
    entry = AuditEntry.objects.get(action="initiatives.indicator.declared")
    assert entry.after["target"] == "53100.0000" and entry.after["measure"] == "kw"


def test_declare_refuses_bad_input_naming_the_field(editor, energy):
    task, _indicator = energy
    refused("invalid_measure", "measure", indicators.indicator_declare,
            actor=editor, key_task=task, name="新增面积", measure="furlong")  # fmt: skip
    refused("duplicate_name", "name", indicators.indicator_declare,
            actor=editor, key_task=task, name="新能源并网装机", measure="mw")  # fmt: skip
    refused("name_required", "name", indicators.indicator_declare,
            actor=editor, key_task=task, name=" ", measure="mw")  # fmt: skip
    error = refused("invalid_value", "target", indicators.indicator_declare, actor=editor,
                    key_task=task, name="新增造林", measure="mu", target="5万千瓦")  # fmt: skip
    assert "不能换算" in error.message
    assert task.indicators.count() == 1


def test_reports_sum_exactly_in_the_indicator_unit_as_of_a_date(editor, campaign, units, energy):
    task, indicator = energy
    wind = _project(editor, campaign, task, units["own"])
    solar = _project(editor, campaign, task, units["child"], "光伏项目")
    indicators.indicator_report(
        actor=editor, project=wind, indicator=indicator, value="0.0231万千瓦",
        reported_on=D(2023, 5, 10),
    )  # fmt: skip
    indicators.indicator_report(
        actor=editor, project=solar, indicator=indicator, value="0.3兆瓦",
        reported_on=D(2023, 6, 1),
    )  # fmt: skip
    indicators.indicator_report(
        actor=editor, project=wind, indicator=indicator, value=Decimal("0.1"),
        reported_on=D(2023, 6, 2),
    )  # fmt: skip
    assert _sum(units["region"], indicator, D(2023, 5, 31)) == Decimal("231")
    assert _sum(units["region"], indicator) == Decimal("531.1")
    assert _sum(units["child"], indicator) == Decimal("300")
    reports = selectors.indicator_reports(
        user=editor, unit=units["own"], campaign=campaign, indicators=[indicator],
        as_of=D(2023, 5, 31),
    )  # fmt: skip
    assert [(r.project.name, r.value, r.entered) for r in reports] == [
        ("风电项目", Decimal("231"), "0.0231万千瓦")
    ]
    assert AuditEntry.objects.filter(action="initiatives.indicator.reported").count() == 3
    # The facts are what a rebuild from the records gives.
    metric_rebuild(get_metric(KEY))
    assert _sum(units["region"], indicator) == Decimal("531.1")


def test_report_refusals_change_nothing(editor, campaign, units, energy, region_task):
    task, indicator = energy
    wind = _project(editor, campaign, task, units["own"])
    other = _project(editor, campaign, None, units["own"], "其他项目")
    cases = (
        ("invalid_value", "value", {"project": wind, "value": "5万亩"}),
        ("invalid_value", "value", {"project": wind, "value": "-1"}),
        ("inexact_value", "value", {"project": wind, "value": 5.31}),
        ("value_required", "value", {"project": wind, "value": ""}),
        ("indicator_mismatch", "indicator", {"project": other, "value": "1"}),
        ("future_date", "reported_on", {"project": wind, "value": "1", "on": D(2999, 1, 1)}),
        ("reported_before_approval", "reported_on",
         {"project": wind, "value": "1", "on": D(2023, 4, 1)}),
    )  # fmt: skip
    for code, field, args in cases:
        refused(
            code, field, indicators.indicator_report, actor=editor, project=args["project"],
            indicator=indicator, value=args["value"], reported_on=args.get("on", D(2023, 5, 2)),
        )  # fmt: skip
    assert not IndicatorReport.objects.exists()
    assert _sum(units["region"], indicator) == 0


def test_only_those_who_record_for_the_unit_may_report(editor, campaign, units, energy, make_user):
    task, indicator = energy
    wind = _project(editor, campaign, task, units["own"])
    stranger = make_user(Role.EDITOR, units["sibling"], username="sibling_ed")
    refused("forbidden", None, indicators.indicator_report, actor=stranger, project=wind,
            indicator=indicator, value="1", reported_on=D(2023, 5, 2))  # fmt: skip
    refused("forbidden", None, indicators.indicator_declare, actor=stranger, key_task=task,
            name="新增储能", measure="kw")  # fmt: skip


def test_moving_or_deleting_a_project_moves_its_reports(editor, campaign, units, energy):
    task, indicator = energy
    wind = _project(editor, campaign, task, units["child"])
    report = indicators.indicator_report(
        actor=editor, project=wind, indicator=indicator, value="531", reported_on=D(2023, 5, 2)
    )
    projects.project_update(actor=editor, project=wind, unit=units["own"])
    assert (_sum(units["child"], indicator), _sum(units["own"], indicator)) == (0, 531)
    refused("key_task_has_reports", "key_task", projects.project_update,
            actor=editor, project=wind, key_task=None, area="energy")  # fmt: skip
    indicators.indicator_report_delete(actor=editor, report=report)
    assert _sum(units["own"], indicator) == 0
    indicators.indicator_report(
        actor=editor, project=wind, indicator=indicator, value="1", reported_on=D(2023, 5, 2)
    )
    projects.project_delete(actor=editor, project=wind)
    assert _sum(units["region"], indicator) == 0 and not IndicatorReport.objects.exists()


def test_the_unit_cannot_change_once_reported(editor, campaign, units, energy):
    task, indicator = energy
    wind = _project(editor, campaign, task, units["own"])
    indicators.indicator_update(actor=editor, indicator=indicator, measure="wan_kw", target="1")
    indicators.indicator_report(
        actor=editor, project=wind, indicator=indicator, value="531千瓦", reported_on=D(2023, 5, 2)
    )
    assert wind.indicator_reports.get().value == Decimal("0.0531")
    refused("measure_has_reports", "measure", indicators.indicator_update,
            actor=editor, indicator=indicator, measure="kw")  # fmt: skip
    indicator.refresh_from_db()
    assert indicator.measure == "wan_kw"
