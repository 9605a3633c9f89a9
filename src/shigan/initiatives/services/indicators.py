"""Writes on the indicators (指标) of key tasks and the values their projects report."""

import datetime
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from shigan.audit.services import audit_record
from shigan.core.changes import create_tracked
from shigan.core.edits import refuse_edited_elsewhere
from shigan.core.errors import FieldCode
from shigan.core.spreadsheets.values import CellError
from shigan.initiatives.errors import ErrorCode
from shigan.initiatives.measures import MEASURES, parse_quantity
from shigan.initiatives.models import Indicator, IndicatorReport, KeyTask, Project
from shigan.initiatives.services.common import (
    InitiativeError,
    not_future,
    require,
    require_run,
    required_text,
)
from shigan.initiatives.services.key_tasks import lock_key_task
from shigan.initiatives.services.projects import lock_project
from shigan.metrics.engine import metric_changes

__all__ = [
    "indicator_declare",
    "indicator_update",
    "indicator_report",
    "indicator_report_delete",
]


def _measure(value) -> str:
    if value not in MEASURES:
        raise InitiativeError(
            _("计量单位无效，请从列表中选择。"), code=ErrorCode.INVALID_MEASURE, field="measure"
        )
    return value


def _quantity(value, *, measure: str, field: str, required: bool = True):
    """A value in `measure`: a Decimal, an int, or text as people write it ("5.31万千瓦", "531")
    — never a float; converted exactly into `measure`."""
    if isinstance(value, float | bool):
        raise InitiativeError(
            _("数值须为精确的十进制数。"), code=ErrorCode.INEXACT_VALUE, field=field
        )
    if isinstance(value, Decimal) and not value.is_finite():
        raise InitiativeError(_("数值无效。"), code=ErrorCode.INVALID_VALUE, field=field)
    try:
        quantity = parse_quantity(value, measure=measure)
    except CellError as error:
        raise InitiativeError(error.message, code=ErrorCode.INVALID_VALUE, field=field) from None
    if quantity is None and required:
        raise InitiativeError(_("请填写数值。"), code=FieldCode.required(field), field=field)
    return quantity


def _check_indicator_name(key_task: KeyTask, name, exclude=None) -> str:
    name = required_text(name, field="name", message=_("指标名称不能为空。"), max_length=100)
    clash = Indicator.objects.filter(key_task=key_task, name=name).exclude(pk=exclude)
    if clash.exists():
        raise InitiativeError(
            _("该重点任务已有名为“%(name)s”的指标。") % {"name": name},
            code=ErrorCode.DUPLICATE_NAME,
            field="name",
        )
    return name


def _indicator_snapshot(indicator: Indicator) -> dict:
    target = indicator.target
    return {
        "key_task": indicator.key_task_id,
        "name": indicator.name,
        "measure": indicator.measure,
        "target": None if target is None else str(target),
    }


@transaction.atomic
def indicator_declare(
    *, actor, key_task: KeyTask, name: str, measure: str, target=None
) -> Indicator:
    """A key task declares an indicator: its name, unit of measure (from the fixed list) and
    target ("5.31万千瓦" lands in 千瓦 exactly)."""
    task = lock_key_task(key_task)
    require_run(actor, task)
    name = _check_indicator_name(task, name)
    measure = _measure(measure)
    target = _quantity(target, measure=measure, field="target", required=False)
    indicator = Indicator.objects.create(
        key_task=task, name=name, measure=measure, target=target, created_by=actor
    )
    audit_record(
        actor=actor,
        action="initiatives.indicator.declared",
        target=indicator,
        after=_indicator_snapshot(indicator),
    )
    return indicator


@transaction.atomic
def indicator_update(*, actor, indicator: Indicator, seen=None, **changes) -> Indicator:
    """Rename an indicator, change its target, or its unit while nothing is reported yet.
    `seen`: as in core.edits."""
    unknown = set(changes) - {"name", "measure", "target"}
    if unknown:
        raise TypeError(f"indicator_update: unknown fields {sorted(unknown)}")
    indicator = Indicator.objects.select_for_update().get(pk=indicator.pk)
    task = lock_key_task(indicator.key_task)
    require_run(actor, task)
    refuse_edited_elsewhere(indicator, seen)
    before = _indicator_snapshot(indicator)
    if "name" in changes:
        indicator.name = _check_indicator_name(task, changes["name"], exclude=indicator.pk)
    measure = _measure(changes.get("measure", indicator.measure))
    if measure != indicator.measure and indicator.reports.exists():
        raise InitiativeError(
            _("该指标已有填报数值，不能更改计量单位。"),
            code=ErrorCode.MEASURE_HAS_REPORTS,
            field="measure",
        )
    indicator.measure = measure
    if "target" in changes:
        indicator.target = _quantity(
            changes["target"], measure=measure, field="target", required=False
        )
    indicator.save()
    audit_record(
        actor=actor,
        action="initiatives.indicator.updated",
        target=indicator,
        before=before,
        after=_indicator_snapshot(indicator),
    )
    return indicator


@transaction.atomic
def indicator_report(
    *,
    actor,
    project: Project,
    indicator: Indicator,
    value,
    reported_on: datetime.date | None = None,
    note: str = "",
) -> IndicatorReport:
    """A project reports what it added to an indicator of its key task (新增) by `reported_on`;
    the indicator's figure is the sum of its reports. `value` may name its unit ("5.31万千瓦",
    "53.1兆瓦"): it is kept in the indicator's unit, exactly."""
    project = lock_project(project)
    require(actor, "record", project.unit)
    indicator = Indicator.objects.get(pk=indicator.pk)  # its unit as stored now
    if indicator.key_task_id != project.key_task_id:
        raise InitiativeError(
            _("请选择该项目所属重点任务的指标。"),
            code=ErrorCode.INDICATOR_MISMATCH,
            field="indicator",
        )
    quantity = _quantity(value, measure=indicator.measure, field="value")
    day = reported_on or timezone.localdate()
    not_future(day, "reported_on")
    if day < project.approved_on:
        raise InitiativeError(
            _("报告日期不能早于项目立项日期（%(d)s）。") % {"d": project.approved_on},
            code=ErrorCode.REPORTED_BEFORE_APPROVAL,
            field="reported_on",
        )
    report = create_tracked(
        IndicatorReport,
        indicator=indicator,
        project=project,
        value=quantity,
        entered=str(value).strip()[:50],
        reported_on=day,
        note=(note or "").strip(),
        created_by=actor,
    )
    audit_record(
        actor=actor,
        action="initiatives.indicator.reported",
        target=report,
        after={
            "project": project.pk,
            "indicator": indicator.pk,
            "value": str(quantity),
            "measure": indicator.measure,
            "entered": report.entered,
            "reported_on": day,
        },
    )
    return report


@transaction.atomic
def indicator_report_delete(*, actor, report: IndicatorReport) -> None:
    """Withdraw a value reported by mistake; it leaves the indicator's sums."""
    report = (
        IndicatorReport.objects.select_for_update(of=("self",))
        .select_related("project__unit", "indicator")
        .get(pk=report.pk)
    )
    require(actor, "record", report.project.unit)
    audit_record(
        actor=actor,
        action="initiatives.indicator.report_deleted",
        target=report,
        before={
            "project": report.project_id,
            "indicator": report.indicator_id,
            "value": str(report.value),
            "reported_on": report.reported_on,
        },
    )
    with metric_changes(IndicatorReport, [report.pk]):
        report.delete()
