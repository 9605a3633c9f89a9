"""Writes on key tasks, milestones, projects and the livelihood list. Each service checks the
actor's right, validates, writes its transition row and audit entry in one transaction, and
keeps the metric facts in step (`metric_changes`): a project's funds changing is a change of
the fund sums."""

import datetime
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.db.models import F, Max
from django.db.models.fields.files import FieldFile
from django.utils import timezone
from django.utils.translation import gettext as _

from shigan.audit.services import audit_record
from shigan.campaigns.models import Campaign
from shigan.core.calendar import is_workday
from shigan.core.errors import DomainError
from shigan.core.spreadsheets.values import CellError
from shigan.initiatives.choices import (
    FundSource,
    KeyTaskArea,
    LivelihoodState,
    MilestoneState,
    ProjectKind,
    ProjectState,
)
from shigan.initiatives.measures import MEASURES, parse_quantity
from shigan.initiatives.models import (
    FUNDS_MAX,
    Indicator,
    IndicatorReport,
    KeyTask,
    LivelihoodArea,
    LivelihoodItem,
    LivelihoodProgress,
    LivelihoodTransition,
    Milestone,
    MilestoneTransition,
    Project,
    ProjectTransition,
    ServicePoint,
)
from shigan.metrics.engine import metric_changes
from shigan.orgs.models import Person, Unit
from shigan.orgs.permissions import user_can

__all__ = [
    "InitiativeError",
    "can_run_key_task",
    "key_task_create",
    "key_task_update",
    "key_task_link_result",
    "key_task_unlink_result",
    "key_task_link_rule",
    "key_task_unlink_rule",
    "milestone_add",
    "milestone_update",
    "milestone_complete",
    "milestone_reopen",
    "project_create",
    "project_update",
    "project_set_state",
    "project_delete",
    "livelihood_area_create",
    "livelihood_item_create",
    "livelihood_item_update",
    "livelihood_item_move",
    "livelihood_progress_report",
    "indicator_declare",
    "indicator_update",
    "indicator_report",
    "indicator_report_delete",
    "service_point_open",
]

MAX_ATTACHMENT = 20 * 2**20
ATTACHMENT_TYPES = {".pdf", ".doc", ".docx", ".wps", ".ofd", ".txt", ".jpg", ".jpeg", ".png"}
KEY_TASK_FIELDS = (
    "area",
    "title",
    "goal",
    "owner_unit",
    "owner_leader",
    "starts_on",
    "roadmap",
    "task_book_text",
    "task_book_file",
)
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


class InitiativeError(DomainError):
    pass


# -- checks ----------------------------------------------------------------------------------


def _forbidden(message=None) -> InitiativeError:
    return InitiativeError(message or _("您没有在该单位登记的权限。"), code="forbidden")


def _require(actor, action: str, unit: Unit) -> None:
    if actor is not None and not user_can(actor, action, unit):
        raise _forbidden()


def can_run_key_task(actor, key_task: KeyTask) -> bool:
    """Who keeps a key task's timetable: those who record for its unit or its lead unit."""
    if actor is None:
        return True
    units = [key_task.unit] + ([key_task.owner_unit] if key_task.owner_unit_id else [])
    return any(user_can(actor, "record", unit) for unit in units)


def _require_run(actor, key_task: KeyTask) -> None:
    if not can_run_key_task(actor, key_task):
        raise _forbidden(_("您不是该重点任务所属单位或牵头单位的填报人员。"))


def _require_office(actor, campaign: Campaign) -> None:
    if actor is not None and not user_can(actor, "change", campaign.root_unit):
        raise _forbidden(_("只有活动办管理员可以维护民生项目清单。"))


def _text(value, *, field: str, message: str, max_length: int | None = None) -> str:
    value = (value or "").strip()
    if not value:
        raise InitiativeError(message, code=f"{field}_required", field=field)
    if max_length and len(value) > max_length:
        raise InitiativeError(
            _("不能超过 %(n)d 个字。") % {"n": max_length}, code=f"{field}_too_long", field=field
        )
    return value


def _choice(value, choices, *, field: str, message: str) -> str:
    if value not in choices.values:
        raise InitiativeError(message, code=f"invalid_{field}", field=field)
    return value


def _in_campaign(unit: Unit, campaign: Campaign, field: str = "unit") -> None:
    if unit is None or not unit.path.startswith(campaign.root_unit.path):
        raise InitiativeError(
            _("该单位不在这次主题教育的范围内。"), code="unit_outside_campaign", field=field
        )


def _check_attachment(upload, field: str) -> None:
    if not upload:
        return
    name = getattr(upload, "name", "") or ""
    ext = ("." + name.rsplit(".", 1)[-1].lower()) if "." in name else ""
    if ext not in ATTACHMENT_TYPES:
        raise InitiativeError(
            _("附件类型不支持，请上传 PDF、Word、WPS、OFD、文本或图片。"),
            code="bad_attachment",
            field=field,
        )
    if (getattr(upload, "size", 0) or 0) > MAX_ATTACHMENT:
        raise InitiativeError(_("附件不能超过 20 MB。"), code="attachment_too_big", field=field)


def _amount(value, *, field: str) -> Decimal:
    """An amount in yuan: a Decimal, an int or a decimal string — never a float."""
    if value is None or value == "":
        return Decimal("0.00")
    if isinstance(value, float | bool):
        raise InitiativeError(_("金额须为精确的十进制数。"), code="inexact_amount", field=field)
    try:
        amount = Decimal(str(value).strip())
    except InvalidOperation:
        raise InitiativeError(_("金额无效。"), code="invalid_amount", field=field) from None
    if not amount.is_finite():
        raise InitiativeError(_("金额无效。"), code="invalid_amount", field=field)
    if amount < 0:
        raise InitiativeError(_("金额不能为负。"), code="negative_amount", field=field)
    if amount != amount.quantize(Decimal("0.01")):
        raise InitiativeError(_("金额最小到分。"), code="amount_precision", field=field)
    if amount > FUNDS_MAX:
        raise InitiativeError(
            _("金额超过 10 万亿元，请核对金额和单位。"), code="amount_too_big", field=field
        )
    return amount.quantize(Decimal("0.01"))


def _workday_due(due_on, key_task: KeyTask) -> None:
    """A due date is a working day of the statutory calendar, not before the task starts."""
    if due_on is None:
        return
    if due_on < key_task.starts_on:
        raise InitiativeError(
            _("完成时限不能早于任务开始日期（%(d)s）。") % {"d": key_task.starts_on},
            code="due_before_start",
            field="due_on",
        )
    if not is_workday(due_on):
        raise InitiativeError(
            _("完成时限 %(d)s 不是工作日，请选择工作日。") % {"d": due_on},
            code="due_on_rest_day",
            field="due_on",
        )


def _not_future(day: datetime.date, field: str) -> None:
    if day > timezone.localdate():
        raise InitiativeError(_("日期不能晚于今天。"), code="future_date", field=field)


def _snapshot(obj, fields) -> dict:
    """Field values for the audit trail: related records by id, files by name."""
    out = {}
    for name in fields:
        value = getattr(obj, name)
        out[name] = (
            value.name or "" if isinstance(value, FieldFile) else getattr(value, "pk", value)
        )
    return out


# -- key tasks -------------------------------------------------------------------------------


def _check_key_task(values: dict, campaign: Campaign) -> dict:
    values["title"] = _text(
        values.get("title"), field="title", message=_("任务名称不能为空。"), max_length=200
    )
    _choice(values.get("area"), KeyTaskArea, field="area", message=_("任务领域无效。"))
    if values.get("owner_unit") is not None:
        _in_campaign(values["owner_unit"], campaign, field="owner_unit")
    leader = values.get("owner_leader")
    if leader is not None and not isinstance(leader, Person):
        raise InitiativeError(_("责任领导无效。"), code="invalid_leader", field="owner_leader")
    _check_attachment(values.get("task_book_file"), "task_book_file")
    for name in ("goal", "roadmap", "task_book_text"):
        values[name] = (values.get(name) or "").strip()
    return values


@transaction.atomic
def key_task_create(
    *,
    actor,
    campaign: Campaign,
    unit: Unit,
    area: str,
    title: str,
    goal: str = "",
    owner_unit: Unit | None = None,
    owner_leader: Person | None = None,
    starts_on: datetime.date | None = None,
    roadmap: str = "",
    task_book_text: str = "",
    task_book_file=None,
    created_on: datetime.date | None = None,
) -> KeyTask:
    _require(actor, "record", unit)
    _in_campaign(unit, campaign)
    values = _check_key_task(
        {
            "area": area,
            "title": title,
            "goal": goal,
            "owner_unit": owner_unit,
            "owner_leader": owner_leader,
            "roadmap": roadmap,
            "task_book_text": task_book_text,
            "task_book_file": task_book_file,
        },
        campaign,
    )
    if KeyTask.objects.filter(campaign=campaign, unit=unit, title=values["title"]).exists():
        raise InitiativeError(
            _("本单位已有名为“%(title)s”的重点任务。") % {"title": values["title"]},
            code="duplicate_title",
            field="title",
        )
    day = created_on or timezone.localdate()
    values["task_book_file"] = values["task_book_file"] or ""
    with metric_changes(KeyTask) as changes:
        task = KeyTask.objects.create(
            campaign=campaign,
            unit=unit,
            starts_on=starts_on or campaign.starts_on,
            created_on=day,
            created_by=actor,
            **values,
        )
        changes.created([task.pk])
    audit_record(
        actor=actor,
        action="initiatives.key_task.created",
        target=task,
        after={"campaign": campaign.pk, "unit": unit.pk, **_snapshot(task, KEY_TASK_FIELDS)},
    )
    return task


def _locked_task(key_task: KeyTask) -> KeyTask:
    return (
        KeyTask.objects.select_for_update(of=("self",))
        .select_related("unit", "owner_unit", "campaign", "campaign__root_unit")
        .get(pk=key_task.pk)
    )


@transaction.atomic
def key_task_update(*, actor, key_task: KeyTask, **changes) -> KeyTask:
    """Change what a key task says (area, title, goal, owners, start, roadmap, task book). A new
    area moves its projects' funds to that area too."""
    unknown = set(changes) - set(KEY_TASK_FIELDS)
    if unknown:
        raise TypeError(f"key_task_update: unknown fields {sorted(unknown)}")
    task = _locked_task(key_task)
    _require_run(actor, task)
    before = _snapshot(task, KEY_TASK_FIELDS)
    current = {name: getattr(task, name) for name in KEY_TASK_FIELDS if name != "task_book_file"}
    values = _check_key_task({**current, **changes}, task.campaign)
    if values["title"] != task.title and (
        KeyTask.objects.filter(campaign=task.campaign, unit=task.unit, title=values["title"])
        .exclude(pk=task.pk)
        .exists()
    ):
        raise InitiativeError(
            _("本单位已有名为“%(title)s”的重点任务。") % {"title": values["title"]},
            code="duplicate_title",
            field="title",
        )
    if "starts_on" in changes and changes["starts_on"] is None:
        raise InitiativeError(_("请填写开始日期。"), code="starts_on_required", field="starts_on")
    project_ids = list(task.projects.values_list("pk", flat=True))
    with metric_changes(KeyTask, [task.pk]), metric_changes(Project, project_ids):
        for name in changes:
            if name != "task_book_file" or changes[name]:  # no new file: keep the old one
                setattr(task, name, values[name])
        task.save()
        if "area" in changes:
            task.projects.update(area=values["area"])
    audit_record(
        actor=actor,
        action="initiatives.key_task.updated",
        target=task,
        before=before,
        after=_snapshot(task, KEY_TASK_FIELDS),
    )
    return task


@transaction.atomic
def key_task_link_result(*, actor, key_task: KeyTask, result) -> None:
    """A research result (成果转化) serves this key task: shown on the task as what fed it."""
    task = _locked_task(key_task)
    _require_run(actor, task)
    if result.campaign_id != task.campaign_id:
        raise InitiativeError(
            _("调研成果须属于同一次主题教育。"), code="campaign_mismatch", field="result"
        )
    if (
        actor is not None
        and not type(result).objects.restrict(actor, "view").filter(pk=result.pk).exists()
    ):
        raise InitiativeError(_("找不到该调研成果。"), code="unknown_result", field="result")
    task.results.add(result)
    audit_record(
        actor=actor,
        action="initiatives.key_task.result_linked",
        target=task,
        after={"result": result.pk},
    )


@transaction.atomic
def key_task_unlink_result(*, actor, key_task: KeyTask, result) -> None:
    task = _locked_task(key_task)
    _require_run(actor, task)
    task.results.remove(result)
    audit_record(
        actor=actor,
        action="initiatives.key_task.result_unlinked",
        target=task,
        before={"result": result.pk},
    )


@transaction.atomic
def key_task_link_rule(*, actor, key_task: KeyTask, rule) -> None:
    """A rule (建章立制) serves this key task: shown on the task as what fed it."""
    task = _locked_task(key_task)
    _require_run(actor, task)
    if rule.campaign_id is not None and rule.campaign_id != task.campaign_id:
        raise InitiativeError(
            _("制度机制须属于同一次主题教育。"), code="campaign_mismatch", field="rule"
        )
    if (
        actor is not None
        and not type(rule).objects.restrict(actor, "view").filter(pk=rule.pk).exists()
    ):
        raise InitiativeError(_("找不到该制度机制。"), code="unknown_rule", field="rule")
    task.rules.add(rule)
    audit_record(
        actor=actor, action="initiatives.key_task.rule_linked", target=task, after={"rule": rule.pk}
    )


@transaction.atomic
def key_task_unlink_rule(*, actor, key_task: KeyTask, rule) -> None:
    task = _locked_task(key_task)
    _require_run(actor, task)
    task.rules.remove(rule)
    audit_record(
        actor=actor,
        action="initiatives.key_task.rule_unlinked",
        target=task,
        before={"rule": rule.pk},
    )


# -- milestones ------------------------------------------------------------------------------


@transaction.atomic
def milestone_add(
    *,
    actor,
    key_task: KeyTask,
    title: str,
    due_on: datetime.date | None = None,
    weight: int = 1,
    ordinal: int | None = None,
) -> Milestone:
    """A node of the key task's timetable. The due date (optional: 时限未定) must be a working
    day of the statutory calendar."""
    task = _locked_task(key_task)
    _require_run(actor, task)
    title = _text(title, field="title", message=_("节点名称不能为空。"), max_length=200)
    weight = _weight(weight)
    _workday_due(due_on, task)
    if task.milestones.filter(title=title).exists():
        raise InitiativeError(
            _("该任务已有名为“%(title)s”的节点。") % {"title": title},
            code="duplicate_title",
            field="title",
        )
    last = task.milestones.aggregate(n=Max("ordinal"))["n"] or 0
    milestone = Milestone.objects.create(
        key_task=task, ordinal=ordinal or last + 1, title=title, due_on=due_on, weight=weight
    )
    MilestoneTransition.objects.create(
        milestone=milestone,
        to_state=MilestoneState.PENDING,
        day=timezone.localdate(),
        actor=actor,
    )
    audit_record(
        actor=actor,
        action="initiatives.milestone.added",
        target=milestone,
        after={"key_task": task.pk, "title": title, "due_on": due_on, "weight": weight},
    )
    return milestone


def _weight(weight) -> int:
    if isinstance(weight, bool) or not isinstance(weight, int) or not 1 <= weight <= 1000:
        raise InitiativeError(
            _("权重应为 1 到 1000 的整数。"), code="invalid_weight", field="weight"
        )
    return weight


def _locked_milestone(milestone: Milestone) -> Milestone:
    return (
        Milestone.objects.select_for_update(of=("self",))
        .select_related("key_task", "key_task__unit", "key_task__owner_unit")
        .get(pk=milestone.pk)
    )


@transaction.atomic
def milestone_update(
    *, actor, milestone: Milestone, title=None, due_on=..., weight=None
) -> Milestone:
    """Re-plan a node: its title, due date (None: 时限未定) or weight."""
    milestone = _locked_milestone(milestone)
    _require_run(actor, milestone.key_task)
    before = {"title": milestone.title, "due_on": milestone.due_on, "weight": milestone.weight}
    if title is not None:
        milestone.title = _text(
            title, field="title", message=_("节点名称不能为空。"), max_length=200
        )
    if due_on is not ...:
        _workday_due(due_on, milestone.key_task)
        milestone.due_on = due_on
    if weight is not None:
        milestone.weight = _weight(weight)
    milestone.save(update_fields=["title", "due_on", "weight"])
    audit_record(
        actor=actor,
        action="initiatives.milestone.updated",
        target=milestone,
        before=before,
        after={"title": milestone.title, "due_on": milestone.due_on, "weight": milestone.weight},
    )
    return milestone


@transaction.atomic
def milestone_complete(
    *,
    actor,
    milestone: Milestone,
    done_on: datetime.date | None = None,
    note: str = "",
    file=None,
) -> Milestone:
    """Mark a node done on `done_on` (not in the future), with what shows it (note, file).
    Done after its due date it counts as done late (逾期完成)."""
    milestone = _locked_milestone(milestone)
    _require_run(actor, milestone.key_task)
    if milestone.state == MilestoneState.DONE:
        raise InitiativeError(_("该节点已完成。"), code="already_done")
    done_on = done_on or timezone.localdate()
    _not_future(done_on, "done_on")
    if done_on < milestone.key_task.starts_on:
        raise InitiativeError(
            _("完成日期不能早于任务开始日期。"), code="done_before_start", field="done_on"
        )
    _check_attachment(file, "evidence_file")
    milestone.state = MilestoneState.DONE
    milestone.done_on = done_on
    milestone.evidence_note = (note or "").strip()
    if file:
        milestone.evidence_file = file
    milestone.save(update_fields=["state", "done_on", "evidence_note", "evidence_file"])
    late = milestone.is_late()
    MilestoneTransition.objects.create(
        milestone=milestone,
        from_state=MilestoneState.PENDING,
        to_state=MilestoneState.DONE,
        day=done_on,
        actor=actor,
        comment=_("逾期完成") if late else "",
    )
    audit_record(
        actor=actor,
        action="initiatives.milestone.completed",
        target=milestone,
        before={"state": MilestoneState.PENDING},
        after={
            "state": MilestoneState.DONE,
            "done_on": done_on,
            "late": late,
            "note": milestone.evidence_note,
            "file": milestone.evidence_file.name or "",
        },
    )
    return milestone


@transaction.atomic
def milestone_reopen(*, actor, milestone: Milestone, reason: str, day=None) -> Milestone:
    """Undo a completion recorded by mistake; the reason is kept in the history."""
    milestone = _locked_milestone(milestone)
    _require_run(actor, milestone.key_task)
    if milestone.state != MilestoneState.DONE:
        raise InitiativeError(_("该节点尚未完成。"), code="not_done")
    reason = _text(reason, field="reason", message=_("请说明重新打开的原因。"))
    before = {"state": milestone.state, "done_on": milestone.done_on}
    milestone.state, milestone.done_on = MilestoneState.PENDING, None
    milestone.save(update_fields=["state", "done_on"])
    MilestoneTransition.objects.create(
        milestone=milestone,
        from_state=MilestoneState.DONE,
        to_state=MilestoneState.PENDING,
        day=day or timezone.localdate(),
        actor=actor,
        comment=reason,
    )
    audit_record(
        actor=actor,
        action="initiatives.milestone.reopened",
        target=milestone,
        before=before,
        after={"state": MilestoneState.PENDING, "reason": reason},
    )
    return milestone


# -- projects --------------------------------------------------------------------------------


def _check_project(values: dict, campaign: Campaign) -> dict:
    values["name"] = _text(
        values.get("name"), field="name", message=_("项目名称不能为空。"), max_length=200
    )
    _choice(values.get("kind"), ProjectKind, field="kind", message=_("项目类型无效。"))
    _choice(values.get("fund_source"), FundSource, field="fund_source", message=_("资金来源无效。"))
    _in_campaign(values.get("unit"), campaign)
    task = values.get("key_task")
    if task is not None:
        if task.campaign_id != campaign.pk:
            raise InitiativeError(
                _("重点任务须属于同一次主题教育。"), code="campaign_mismatch", field="key_task"
            )
        if not values["unit"].path.startswith(task.unit.path):
            raise InitiativeError(
                _("项目的实施单位须是“%(unit)s”或其下级。") % {"unit": task.unit.name},
                code="unit_outside_key_task",
                field="unit",
            )
        values["area"] = task.area
    _choice(values.get("area"), KeyTaskArea, field="area", message=_("请选择任务领域。"))
    allocated = _amount(values.get("funds_allocated"), field="funds_allocated")
    disbursed = _amount(values.get("funds_disbursed"), field="funds_disbursed")
    if disbursed > allocated:
        raise InitiativeError(
            _("已拨付资金不能超过安排资金。"), code="disbursed_exceeds", field="funds_disbursed"
        )
    values["funds_allocated"], values["funds_disbursed"] = allocated, disbursed
    _check_dates(values)
    return values


def _check_dates(values: dict) -> None:
    started, finished = values.get("started_on"), values.get("finished_on")
    if started and finished and finished < started:
        raise InitiativeError(
            _("完工日期不能早于开工日期。"), code="finish_before_start", field="finished_on"
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
    _require(actor, "record", unit)
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
    _choice(state, ProjectState, field="state", message=_("项目状态无效。"))
    if Project.objects.filter(campaign=campaign, unit=unit, name=values["name"]).exists():
        raise InitiativeError(
            _("本单位已有名为“%(name)s”的项目。") % {"name": values["name"]},
            code="duplicate_name",
            field="name",
        )
    day = approved_on or timezone.localdate()
    with metric_changes(Project) as changes:
        project = Project.objects.create(
            campaign=campaign, state=state, approved_on=day, created_by=actor, **values
        )
        changes.created([project.pk])
    ProjectTransition.objects.create(project=project, to_state=state, day=day, actor=actor)
    audit_record(
        actor=actor,
        action="initiatives.project.created",
        target=project,
        after={"campaign": campaign.pk, "state": state, **_snapshot(project, PROJECT_FIELDS)},
    )
    return project


def _locked_project(project: Project) -> Project:
    return (
        Project.objects.select_for_update(of=("self",))
        .select_related("unit", "key_task", "key_task__unit", "campaign", "campaign__root_unit")
        .get(pk=project.pk)
    )


@transaction.atomic
def project_update(*, actor, project: Project, **changes) -> Project:
    """Change a project: its funds (a change of the fund sums from its approval day on), its
    unit, key task, kind, source or dates."""
    unknown = set(changes) - set(PROJECT_FIELDS)
    if unknown:
        raise TypeError(f"project_update: unknown fields {sorted(unknown)}")
    project = _locked_project(project)
    _require(actor, "record", project.unit)
    if "unit" in changes:
        _require(actor, "record", changes["unit"])
    before = _snapshot(project, PROJECT_FIELDS)
    current = {name: getattr(project, name) for name in PROJECT_FIELDS}
    values = _check_project({**current, **changes}, project.campaign)
    if values["name"] != project.name or values["unit"] != project.unit:
        clash = Project.objects.filter(
            campaign=project.campaign, unit=values["unit"], name=values["name"]
        ).exclude(pk=project.pk)
        if clash.exists():
            raise InitiativeError(
                _("本单位已有名为“%(name)s”的项目。") % {"name": values["name"]},
                code="duplicate_name",
                field="name",
            )
    if values.get("approved_on") is None:
        raise InitiativeError(
            _("请填写立项日期。"), code="approved_on_required", field="approved_on"
        )
    report_ids = list(project.indicator_reports.values_list("pk", flat=True))
    if report_ids and values["key_task"] != project.key_task:
        raise InitiativeError(
            _("该项目已填报重点任务的指标数值，不能改为其他重点任务。"),
            code="key_task_has_reports",
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
        after=_snapshot(project, PROJECT_FIELDS),
    )
    return project


@transaction.atomic
def project_set_state(
    *, actor, project: Project, state: str, day: datetime.date | None = None, comment: str = ""
) -> Project:
    """计划 → 实施中 → 已完成 (or back, with a comment). Starting sets the start date, finishing
    the finish date, when they are not set yet."""
    project = _locked_project(project)
    _require(actor, "record", project.unit)
    _choice(state, ProjectState, field="state", message=_("项目状态无效。"))
    if state == project.state:
        raise InitiativeError(_("项目已是该状态。"), code="same_state", field="state")
    day = day or timezone.localdate()
    order = list(ProjectState.values)
    if order.index(state) < order.index(project.state) and not (comment or "").strip():
        raise InitiativeError(
            _("退回到之前的状态时，请说明原因。"), code="comment_required", field="comment"
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
    project = _locked_project(project)
    _require(actor, "record", project.unit)
    before = {"campaign": project.campaign_id, **_snapshot(project, PROJECT_FIELDS)}
    audit_record(actor=actor, action="initiatives.project.deleted", target=project, before=before)
    report_ids = list(project.indicator_reports.values_list("pk", flat=True))
    with metric_changes(Project, [project.pk]), metric_changes(IndicatorReport, report_ids):
        IndicatorReport.objects.filter(pk__in=report_ids).delete()
        project.delete()


# -- the livelihood list ---------------------------------------------------------------------


@transaction.atomic
def livelihood_area_create(
    *, actor, campaign: Campaign, name: str, ordinal: int | None = None
) -> LivelihoodArea:
    _require_office(actor, campaign)
    name = _text(name, field="name", message=_("名称不能为空。"), max_length=50)
    if LivelihoodArea.objects.filter(campaign=campaign, name=name).exists():
        raise InitiativeError(
            _("已有名为“%(name)s”的民生领域。") % {"name": name},
            code="duplicate_name",
            field="name",
        )
    last = LivelihoodArea.objects.filter(campaign=campaign).aggregate(n=Max("ordinal"))["n"]
    area = LivelihoodArea.objects.create(
        campaign=campaign, name=name, ordinal=ordinal or (last or 0) + 1
    )
    audit_record(
        actor=actor,
        action="initiatives.livelihood_area.created",
        target=area,
        after={"campaign": campaign.pk, "name": name, "ordinal": area.ordinal},
    )
    return area


def _lock_list(campaign: Campaign) -> None:
    """Numbering the list is serialised on the campaign's row (one writer at a time)."""
    list(Campaign.objects.select_for_update().filter(pk=campaign.pk).values_list("pk"))


def _check_item(values: dict, campaign: Campaign) -> dict:
    values["title"] = _text(
        values.get("title"), field="title", message=_("项目名称不能为空。"), max_length=200
    )
    area = values.get("area")
    if area is None or area.campaign_id != campaign.pk:
        raise InitiativeError(
            _("请选择这次主题教育的民生领域。"), code="invalid_area", field="area"
        )
    _in_campaign(values.get("unit"), campaign)
    values["target"] = (values.get("target") or "").strip()
    return values


@transaction.atomic
def livelihood_item_create(
    *,
    actor,
    campaign: Campaign,
    area: LivelihoodArea,
    title: str,
    unit: Unit,
    target: str = "",
    deadline: datetime.date | None = None,
    number: int | None = None,
    listed_on: datetime.date | None = None,
) -> LivelihoodItem:
    """An item of the office's list; `number` (its place) defaults to the end of the list."""
    _require_office(actor, campaign)
    values = _check_item({"title": title, "area": area, "unit": unit, "target": target}, campaign)
    _lock_list(campaign)
    items = LivelihoodItem.objects.filter(campaign=campaign)
    if items.filter(title=values["title"]).exists():
        raise InitiativeError(
            _("清单中已有“%(title)s”。") % {"title": values["title"]},
            code="duplicate_title",
            field="title",
        )
    last = items.aggregate(n=Max("number"))["n"] or 0
    if number is not None and (number < 1 or items.filter(number=number).exists()):
        raise InitiativeError(
            _("序号 %(n)s 已被占用或无效。") % {"n": number}, code="number_taken", field="number"
        )
    day = listed_on or timezone.localdate()
    with metric_changes(LivelihoodItem) as changes:
        item = LivelihoodItem.objects.create(
            campaign=campaign,
            number=number or last + 1,
            deadline=deadline,
            listed_on=day,
            created_by=actor,
            **values,
        )
        changes.created([item.pk])
    LivelihoodTransition.objects.create(
        item=item, to_state=LivelihoodState.PLANNED, day=day, actor=actor
    )
    audit_record(
        actor=actor,
        action="initiatives.livelihood_item.created",
        target=item,
        after={
            "campaign": campaign.pk,
            "number": item.number,
            "area": area.pk,
            "title": item.title,
            "unit": unit.pk,
            "target": item.target,
            "deadline": deadline,
        },
    )
    return item


def _locked_item(item: LivelihoodItem) -> LivelihoodItem:
    return (
        LivelihoodItem.objects.select_for_update(of=("self",))
        .select_related("campaign", "campaign__root_unit", "unit", "area")
        .get(pk=item.pk)
    )


@transaction.atomic
def livelihood_item_update(*, actor, item: LivelihoodItem, **changes) -> LivelihoodItem:
    """Change an item's title, area, responsible unit, target or deadline (the office)."""
    fields = ("title", "area", "unit", "target", "deadline")
    unknown = set(changes) - set(fields)
    if unknown:
        raise TypeError(f"livelihood_item_update: unknown fields {sorted(unknown)}")
    item = _locked_item(item)
    _require_office(actor, item.campaign)
    before = _snapshot(item, fields)
    values = _check_item({**{f: getattr(item, f) for f in fields}, **changes}, item.campaign)
    with metric_changes(LivelihoodItem, [item.pk]):
        for name in fields:
            setattr(item, name, values.get(name, changes.get(name, getattr(item, name))))
        item.save()
    audit_record(
        actor=actor,
        action="initiatives.livelihood_item.updated",
        target=item,
        before=before,
        after=_snapshot(item, fields),
    )
    return item


@transaction.atomic
def livelihood_item_move(*, actor, item: LivelihoodItem, number: int) -> LivelihoodItem:
    """Put the item at place `number` of the list; those in between shift by one. The list
    stays numbered 1…n without gaps in the order the office fixes."""
    item = _locked_item(item)
    _require_office(actor, item.campaign)
    _lock_list(item.campaign)
    items = LivelihoodItem.objects.filter(campaign=item.campaign)
    ordered = list(items.exclude(pk=item.pk).order_by("number", "pk").values_list("pk", flat=True))
    if not isinstance(number, int) or not 1 <= number <= len(ordered) + 1:
        raise InitiativeError(
            _("序号应在 1 到 %(n)d 之间。") % {"n": len(ordered) + 1},
            code="invalid_number",
            field="number",
        )
    before = item.number
    ordered.insert(number - 1, item.pk)
    # Two steps, so the unique (campaign, number) never sees two rows on one number.
    offset = (items.aggregate(n=Max("number"))["n"] or 0) + len(ordered) + 1
    items.update(number=F("number") + offset)
    for place, pk in enumerate(ordered, start=1):
        LivelihoodItem.objects.filter(pk=pk).update(number=place)
    audit_record(
        actor=actor,
        action="initiatives.livelihood_item.moved",
        target=item,
        before={"number": before},
        after={"number": number},
    )
    item.number = number
    return item


@transaction.atomic
def livelihood_progress_report(
    *, actor, item: LivelihoodItem, text: str, percent: int, reported_on=None
) -> LivelihoodProgress:
    """A progress report by the responsible unit. The first report above 0 % starts the item
    (推进中); a report of 100 % completes it."""
    item = _locked_item(item)
    _require(actor, "record", item.unit)
    text = _text(text, field="text", message=_("请填写进展情况。"))
    if isinstance(percent, bool) or not isinstance(percent, int) or not 0 <= percent <= 100:
        raise InitiativeError(
            _("进度应为 0 到 100 的整数。"), code="invalid_percent", field="percent"
        )
    day = reported_on or timezone.localdate()
    _not_future(day, "reported_on")
    report = LivelihoodProgress.objects.create(
        item=item, text=text, percent=percent, reported_on=day, created_by=actor
    )
    item.progress_percent = percent
    item.save(update_fields=["progress_percent"])
    audit_record(
        actor=actor,
        action="initiatives.livelihood_item.progress_reported",
        target=item,
        after={"text": text, "percent": percent, "reported_on": day},
    )
    if percent == 100 and item.state != LivelihoodState.DONE:
        _item_transition(item, actor=actor, to=LivelihoodState.DONE, day=day)
    elif percent > 0 and item.state == LivelihoodState.PLANNED:
        _item_transition(item, actor=actor, to=LivelihoodState.UNDER_WAY, day=day)
    return report


def _item_transition(item: LivelihoodItem, *, actor, to: str, day, comment: str = "") -> None:
    before = item.state
    item.state = to
    item.save(update_fields=["state"])
    LivelihoodTransition.objects.create(
        item=item, from_state=before, to_state=to, day=day, actor=actor, comment=comment
    )
    audit_record(
        actor=actor,
        action="initiatives.livelihood_item.state_changed",
        target=item,
        before={"state": before},
        after={"state": to, "day": day, "comment": comment},
    )


# -- indicators (指标) of key tasks, reported by their projects ------------------------------


def _measure(value) -> str:
    if value not in MEASURES:
        raise InitiativeError(
            _("计量单位无效，请从列表中选择。"), code="invalid_measure", field="measure"
        )
    return value


def _quantity(value, *, measure: str, field: str, required: bool = True):
    """A value in `measure`: a Decimal, an int, or text as people write it ("5.31万千瓦", "531")
    — never a float; converted exactly into `measure`."""
    if isinstance(value, float | bool):
        raise InitiativeError(_("数值须为精确的十进制数。"), code="inexact_value", field=field)
    if isinstance(value, Decimal) and not value.is_finite():
        raise InitiativeError(_("数值无效。"), code="invalid_value", field=field)
    try:
        quantity = parse_quantity(value, measure=measure)
    except CellError as error:
        raise InitiativeError(error.message, code="invalid_value", field=field) from None
    if quantity is None and required:
        raise InitiativeError(_("请填写数值。"), code=f"{field}_required", field=field)
    return quantity


def _check_indicator_name(key_task: KeyTask, name, exclude=None) -> str:
    name = _text(name, field="name", message=_("指标名称不能为空。"), max_length=100)
    clash = Indicator.objects.filter(key_task=key_task, name=name).exclude(pk=exclude)
    if clash.exists():
        raise InitiativeError(
            _("该重点任务已有名为“%(name)s”的指标。") % {"name": name},
            code="duplicate_name",
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
    task = _locked_task(key_task)
    _require_run(actor, task)
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
def indicator_update(*, actor, indicator: Indicator, **changes) -> Indicator:
    """Rename an indicator, change its target, or its unit while nothing is reported yet."""
    unknown = set(changes) - {"name", "measure", "target"}
    if unknown:
        raise TypeError(f"indicator_update: unknown fields {sorted(unknown)}")
    indicator = Indicator.objects.select_for_update().get(pk=indicator.pk)
    task = _locked_task(indicator.key_task)
    _require_run(actor, task)
    before = _indicator_snapshot(indicator)
    if "name" in changes:
        indicator.name = _check_indicator_name(task, changes["name"], exclude=indicator.pk)
    measure = _measure(changes.get("measure", indicator.measure))
    if measure != indicator.measure and indicator.reports.exists():
        raise InitiativeError(
            _("该指标已有填报数值，不能更改计量单位。"),
            code="measure_has_reports",
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
    project = _locked_project(project)
    _require(actor, "record", project.unit)
    indicator = Indicator.objects.get(pk=indicator.pk)  # its unit as stored now
    if indicator.key_task_id != project.key_task_id:
        raise InitiativeError(
            _("请选择该项目所属重点任务的指标。"), code="indicator_mismatch", field="indicator"
        )
    quantity = _quantity(value, measure=indicator.measure, field="value")
    day = reported_on or timezone.localdate()
    _not_future(day, "reported_on")
    if day < project.approved_on:
        raise InitiativeError(
            _("报告日期不能早于项目立项日期（%(d)s）。") % {"d": project.approved_on},
            code="reported_before_approval",
            field="reported_on",
        )
    with metric_changes(IndicatorReport) as changes:
        report = IndicatorReport.objects.create(
            indicator=indicator,
            project=project,
            value=quantity,
            entered=str(value).strip()[:50],
            reported_on=day,
            note=(note or "").strip(),
            created_by=actor,
        )
        changes.created([report.pk])
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
    _require(actor, "record", report.project.unit)
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


# -- service points of livelihood items ------------------------------------------------------


@transaction.atomic
def service_point_open(
    *,
    actor,
    item: LivelihoodItem,
    name: str,
    unit: Unit,
    partner: str = "",
    opened_on: datetime.date | None = None,
    services: str = "",
) -> ServicePoint:
    """A service point of a livelihood item opened in `unit` (with a partner such as a bank
    branch): counted from `opened_on` in the unit's subtree."""
    item = _locked_item(item)
    _require(actor, "record", unit)
    _in_campaign(unit, item.campaign)
    name = _text(name, field="name", message=_("网点名称不能为空。"), max_length=200)
    if ServicePoint.objects.filter(item=item, name=name).exists():
        raise InitiativeError(
            _("该民生项目已有名为“%(name)s”的服务网点。") % {"name": name},
            code="duplicate_name",
            field="name",
        )
    partner = (partner or "").strip()
    if len(partner) > 200:
        raise InitiativeError(
            _("不能超过 %(n)d 个字。") % {"n": 200}, code="partner_too_long", field="partner"
        )
    day = opened_on or timezone.localdate()
    _not_future(day, "opened_on")
    with metric_changes(ServicePoint) as changes:
        point = ServicePoint.objects.create(
            item=item,
            name=name,
            unit=unit,
            partner=partner,
            opened_on=day,
            services=(services or "").strip(),
            created_by=actor,
        )
        changes.created([point.pk])
    audit_record(
        actor=actor,
        action="initiatives.service_point.opened",
        target=point,
        after={
            "item": item.pk,
            "name": name,
            "unit": unit.pk,
            "partner": partner,
            "opened_on": day,
            "services": point.services,
        },
    )
    return point
