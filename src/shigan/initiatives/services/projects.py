"""Writes on projects and their funds: a project's funds changing is a change of the fund sums
(`metric_changes`)."""

import datetime
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from shigan.audit.services import audit_record
from shigan.audit.snapshots import snapshot
from shigan.campaigns.models import Campaign
from shigan.core.changes import create_tracked
from shigan.core.edits import refuse_edited_elsewhere
from shigan.initiatives.amounts import FUNDS_MAX
from shigan.initiatives.choices import FundSource, KeyTaskArea, ProjectKind, ProjectState
from shigan.initiatives.errors import ErrorCode
from shigan.initiatives.models import (
    IndicatorReport,
    KeyTask,
    Project,
    ProjectTransition,
)
from shigan.initiatives.services.common import (
    InitiativeError,
    in_campaign,
    require,
    required_text,
    valid_choice,
)
from shigan.metrics.engine import metric_changes
from shigan.orgs.models import Unit

__all__ = [
    "project_create",
    "project_update",
    "project_set_state",
    "project_delete",
    "lock_project",
]

PROJECT_FIELDS = (
    "name",
    "kind",
    "fund_source",
    "funds_allocated",
    "funds_disbursed",
    "unit",
    "key_task",
    "area",
    "approved_on",
    "started_on",
    "finished_on",
)


def _amount(value, *, field: str) -> Decimal:
    """An amount in yuan: a Decimal, an int or a decimal string — never a float."""
    if value is None or value == "":
        return Decimal("0.00")
    if isinstance(value, float | bool):
        raise InitiativeError(
            _("金额须为精确的十进制数。"), code=ErrorCode.INEXACT_AMOUNT, field=field
        )
    try:
        amount = Decimal(str(value).strip())
    except InvalidOperation:
        raise InitiativeError(_("金额无效。"), code=ErrorCode.INVALID_AMOUNT, field=field) from None
    if not amount.is_finite():
        raise InitiativeError(_("金额无效。"), code=ErrorCode.INVALID_AMOUNT, field=field)
    if amount < 0:
        raise InitiativeError(_("金额不能为负。"), code=ErrorCode.NEGATIVE_AMOUNT, field=field)
    if amount != amount.quantize(Decimal("0.01")):
        raise InitiativeError(_("金额最小到分。"), code=ErrorCode.AMOUNT_PRECISION, field=field)
    if amount > FUNDS_MAX:
        raise InitiativeError(
            _("金额超过 10 万亿元，请核对金额和单位。"), code=ErrorCode.AMOUNT_TOO_BIG, field=field
        )
    return amount.quantize(Decimal("0.01"))


def _check_project(values: dict, campaign: Campaign) -> dict:
    values["name"] = required_text(
        values.get("name"), field="name", message=_("项目名称不能为空。"), max_length=200
    )
    valid_choice(values.get("kind"), ProjectKind, field="kind", message=_("项目类型无效。"))
    valid_choice(
        values.get("fund_source"), FundSource, field="fund_source", message=_("资金来源无效。")
    )
    in_campaign(values.get("unit"), campaign)
    task = values.get("key_task")
    if task is not None:
        if task.campaign_id != campaign.pk:
            raise InitiativeError(
                _("重点任务须属于同一次主题教育。"),
                code=ErrorCode.CAMPAIGN_MISMATCH,
                field="key_task",
            )
        if not values["unit"].path.startswith(task.unit.path):
            raise InitiativeError(
                _("项目的实施单位须是“%(unit)s”或其下级。") % {"unit": task.unit.name},
                code=ErrorCode.UNIT_OUTSIDE_KEY_TASK,
                field="unit",
            )
        values["area"] = task.area
    valid_choice(values.get("area"), KeyTaskArea, field="area", message=_("请选择任务领域。"))
    allocated = _amount(values.get("funds_allocated"), field="funds_allocated")
    disbursed = _amount(values.get("funds_disbursed"), field="funds_disbursed")
    if disbursed > allocated:
        raise InitiativeError(
            _("已拨付资金不能超过安排资金。"),
            code=ErrorCode.DISBURSED_EXCEEDS,
            field="funds_disbursed",
        )
    values["funds_allocated"], values["funds_disbursed"] = allocated, disbursed
    _check_dates(values)
    return values


def _check_dates(values: dict) -> None:
    started, finished = values.get("started_on"), values.get("finished_on")
    if started and finished and finished < started:
        raise InitiativeError(
            _("完工日期不能早于开工日期。"), code=ErrorCode.FINISH_BEFORE_START, field="finished_on"
        )


@transaction.atomic
def project_create(
    *,
    actor,
    campaign: Campaign,
    unit: Unit,
    name: str,
    kind: str,
    key_task: KeyTask | None = None,
    area: str | None = None,
    fund_source: str = FundSource.OTHER,
    funds_allocated=Decimal("0"),
    funds_disbursed=Decimal("0"),
    state: str = ProjectState.PLANNED,
    approved_on: datetime.date | None = None,
    started_on: datetime.date | None = None,
    finished_on: datetime.date | None = None,
) -> Project:
    """A project, under a key task (its area follows the task's) or on its own (give `area`)."""
    require(actor, "record", unit)
    values = _check_project(
        {
            "name": name,
            "kind": kind,
            "fund_source": fund_source,
            "funds_allocated": funds_allocated,
            "funds_disbursed": funds_disbursed,
            "unit": unit,
            "key_task": key_task,
            "area": area,
            "started_on": started_on,
            "finished_on": finished_on,
        },
        campaign,
    )
    valid_choice(state, ProjectState, field="state", message=_("项目状态无效。"))
    if Project.objects.filter(campaign=campaign, unit=unit, name=values["name"]).exists():
        raise InitiativeError(
            _("本单位已有名为“%(name)s”的项目。") % {"name": values["name"]},
            code=ErrorCode.DUPLICATE_NAME,
            field="name",
        )
    day = approved_on or timezone.localdate()
    project = create_tracked(
        Project, campaign=campaign, state=state, approved_on=day, created_by=actor, **values
    )
    ProjectTransition.objects.create(project=project, to_state=state, day=day, actor=actor)
    audit_record(
        actor=actor,
        action="initiatives.project.created",
        target=project,
        after={"campaign": campaign.pk, "state": state, **snapshot(project, PROJECT_FIELDS)},
    )
    return project


def lock_project(project: Project) -> Project:
    return (
        Project.objects.select_for_update(of=("self",))
        .select_related("unit", "key_task", "key_task__unit", "campaign", "campaign__root_unit")
        .get(pk=project.pk)
    )


@transaction.atomic
def project_update(*, actor, project: Project, seen=None, **changes) -> Project:
    """Change a project: its funds (a change of the fund sums from its approval day on), its
    unit, key task, kind, source or dates. `seen`, what the user's form showed for the fields
    changed, refuses a change over someone else's (core.edits)."""
    unknown = set(changes) - set(PROJECT_FIELDS)
    if unknown:
        raise TypeError(f"project_update: unknown fields {sorted(unknown)}")
    project = lock_project(project)
    require(actor, "record", project.unit)
    refuse_edited_elsewhere(project, seen)
    if "unit" in changes:
        require(actor, "record", changes["unit"])
    before = snapshot(project, PROJECT_FIELDS)
    current = {name: getattr(project, name) for name in PROJECT_FIELDS}
    values = _check_project({**current, **changes}, project.campaign)
    if values["name"] != project.name or values["unit"] != project.unit:
        clash = Project.objects.filter(
            campaign=project.campaign, unit=values["unit"], name=values["name"]
        ).exclude(pk=project.pk)
        if clash.exists():
            raise InitiativeError(
                _("本单位已有名为“%(name)s”的项目。") % {"name": values["name"]},
                code=ErrorCode.DUPLICATE_NAME,
                field="name",
            )
    if values.get("approved_on") is None:
        raise InitiativeError(
            _("请填写立项日期。"), code=ErrorCode.APPROVED_ON_REQUIRED, field="approved_on"
        )
    report_ids = list(project.indicator_reports.values_list("pk", flat=True))
    if report_ids and values["key_task"] != project.key_task:
        raise InitiativeError(
            _("该项目已填报重点任务的指标数值，不能改为其他重点任务。"),
            code=ErrorCode.KEY_TASK_HAS_REPORTS,
            field="key_task",
        )
    # The reports count under the project's unit: a new unit moves them too.
    with metric_changes(Project, [project.pk]), metric_changes(IndicatorReport, report_ids):
        for name in PROJECT_FIELDS:
            setattr(project, name, values[name])
        project.save()
    audit_record(
        actor=actor,
        action="initiatives.project.updated",
        target=project,
        before=before,
        after=snapshot(project, PROJECT_FIELDS),
    )
    return project


@transaction.atomic
def project_set_state(
    *, actor, project: Project, state: str, day: datetime.date | None = None, comment: str = ""
) -> Project:
    """计划 → 实施中 → 已完成 (or back, with a comment). Starting sets the start date, finishing
    the finish date, when they are not set yet."""
    project = lock_project(project)
    require(actor, "record", project.unit)
    valid_choice(state, ProjectState, field="state", message=_("项目状态无效。"))
    if state == project.state:
        raise InitiativeError(_("项目已是该状态。"), code=ErrorCode.SAME_STATE, field="state")
    day = day or timezone.localdate()
    order = list(ProjectState.values)
    if order.index(state) < order.index(project.state) and not (comment or "").strip():
        raise InitiativeError(
            _("退回到之前的状态时，请说明原因。"), code=ErrorCode.COMMENT_REQUIRED, field="comment"
        )
    before = project.state
    project.state = state
    if state in (ProjectState.UNDER_WAY, ProjectState.DONE) and project.started_on is None:
        project.started_on = day
    if state == ProjectState.DONE and project.finished_on is None:
        project.finished_on = day
    project.save(update_fields=["state", "started_on", "finished_on"])
    ProjectTransition.objects.create(
        project=project,
        from_state=before,
        to_state=state,
        day=day,
        actor=actor,
        comment=(comment or "").strip(),
    )
    audit_record(
        actor=actor,
        action="initiatives.project.state_changed",
        target=project,
        before={"state": before},
        after={"state": state, "day": day, "comment": (comment or "").strip()},
    )
    return project


@transaction.atomic
def project_delete(*, actor, project: Project) -> None:
    """Remove a project entered by mistake; its funds leave every sum."""
    project = lock_project(project)
    require(actor, "record", project.unit)
    before = {"campaign": project.campaign_id, **snapshot(project, PROJECT_FIELDS)}
    audit_record(actor=actor, action="initiatives.project.deleted", target=project, before=before)
    report_ids = list(project.indicator_reports.values_list("pk", flat=True))
    with metric_changes(Project, [project.pk]), metric_changes(IndicatorReport, report_ids):
        IndicatorReport.objects.filter(pk__in=report_ids).delete()
        project.delete()
