"""Writes on key tasks (重点任务) and the research results and rules linked to them."""

import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from shigan.audit.services import audit_record
from shigan.audit.snapshots import snapshot
from shigan.campaigns.models import Campaign
from shigan.core.changes import create_tracked
from shigan.core.edits import refuse_edited_elsewhere
from shigan.initiatives.choices import KeyTaskArea
from shigan.initiatives.errors import ErrorCode
from shigan.initiatives.models import KeyTask, Project
from shigan.initiatives.services.common import (
    InitiativeError,
    check_attachment,
    in_campaign,
    require,
    require_run,
    required_text,
    valid_choice,
)
from shigan.metrics.engine import metric_changes
from shigan.orgs.models import Person, Unit

__all__ = [
    "key_task_create",
    "key_task_update",
    "key_task_link_result",
    "key_task_unlink_result",
    "key_task_link_rule",
    "key_task_unlink_rule",
    "lock_key_task",
]

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


def _check_key_task(values: dict, campaign: Campaign) -> dict:
    values["title"] = required_text(
        values.get("title"), field="title", message=_("任务名称不能为空。"), max_length=200
    )
    valid_choice(values.get("area"), KeyTaskArea, field="area", message=_("任务领域无效。"))
    if values.get("owner_unit") is not None:
        in_campaign(values["owner_unit"], campaign, field="owner_unit")
    leader = values.get("owner_leader")
    if leader is not None and not isinstance(leader, Person):
        raise InitiativeError(
            _("责任领导无效。"), code=ErrorCode.INVALID_LEADER, field="owner_leader"
        )
    check_attachment(values.get("task_book_file"), "task_book_file")
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
    require(actor, "record", unit)
    in_campaign(unit, campaign)
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
            code=ErrorCode.DUPLICATE_TITLE,
            field="title",
        )
    day = created_on or timezone.localdate()
    values["task_book_file"] = values["task_book_file"] or ""
    task = create_tracked(
        KeyTask,
        campaign=campaign,
        unit=unit,
        starts_on=starts_on or campaign.starts_on,
        created_on=day,
        created_by=actor,
        **values,
    )
    audit_record(
        actor=actor,
        action="initiatives.key_task.created",
        target=task,
        after={"campaign": campaign.pk, "unit": unit.pk, **snapshot(task, KEY_TASK_FIELDS)},
    )
    return task


def lock_key_task(key_task: KeyTask) -> KeyTask:
    return (
        KeyTask.objects.select_for_update(of=("self",))
        .select_related("unit", "owner_unit", "campaign", "campaign__root_unit")
        .get(pk=key_task.pk)
    )


@transaction.atomic
def key_task_update(*, actor, key_task: KeyTask, seen=None, **changes) -> KeyTask:
    """Change what a key task says (area, title, goal, owners, start, roadmap, task book). A new
    area moves its projects' funds to that area too. `seen`, what the user's form showed for the
    fields changed, refuses a change over someone else's (core.edits)."""
    unknown = set(changes) - set(KEY_TASK_FIELDS)
    if unknown:
        raise TypeError(f"key_task_update: unknown fields {sorted(unknown)}")
    task = lock_key_task(key_task)
    require_run(actor, task)
    refuse_edited_elsewhere(task, seen)
    before = snapshot(task, KEY_TASK_FIELDS)
    current = {name: getattr(task, name) for name in KEY_TASK_FIELDS if name != "task_book_file"}
    values = _check_key_task({**current, **changes}, task.campaign)
    if values["title"] != task.title and (
        KeyTask.objects.filter(campaign=task.campaign, unit=task.unit, title=values["title"])
        .exclude(pk=task.pk)
        .exists()
    ):
        raise InitiativeError(
            _("本单位已有名为“%(title)s”的重点任务。") % {"title": values["title"]},
            code=ErrorCode.DUPLICATE_TITLE,
            field="title",
        )
    if "starts_on" in changes and changes["starts_on"] is None:
        raise InitiativeError(
            _("请填写开始日期。"), code=ErrorCode.STARTS_ON_REQUIRED, field="starts_on"
        )
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
        after=snapshot(task, KEY_TASK_FIELDS),
    )
    return task


@transaction.atomic
def key_task_link_result(*, actor, key_task: KeyTask, result) -> None:
    """A research result (成果转化) serves this key task: shown on the task as what fed it."""
    task = lock_key_task(key_task)
    require_run(actor, task)
    if result.campaign_id != task.campaign_id:
        raise InitiativeError(
            _("调研成果须属于同一次主题教育。"), code=ErrorCode.CAMPAIGN_MISMATCH, field="result"
        )
    if not type(result).objects.restrict(actor, "view").filter(pk=result.pk).exists():
        raise InitiativeError(
            _("找不到该调研成果。"), code=ErrorCode.UNKNOWN_RESULT, field="result"
        )
    task.results.add(result)
    audit_record(
        actor=actor,
        action="initiatives.key_task.result_linked",
        target=task,
        after={"result": result.pk},
    )


@transaction.atomic
def key_task_unlink_result(*, actor, key_task: KeyTask, result) -> None:
    task = lock_key_task(key_task)
    require_run(actor, task)
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
    task = lock_key_task(key_task)
    require_run(actor, task)
    if rule.campaign_id is not None and rule.campaign_id != task.campaign_id:
        raise InitiativeError(
            _("制度机制须属于同一次主题教育。"), code=ErrorCode.CAMPAIGN_MISMATCH, field="rule"
        )
    if not type(rule).objects.restrict(actor, "view").filter(pk=rule.pk).exists():
        raise InitiativeError(_("找不到该制度机制。"), code=ErrorCode.UNKNOWN_RULE, field="rule")
    task.rules.add(rule)
    audit_record(
        actor=actor, action="initiatives.key_task.rule_linked", target=task, after={"rule": rule.pk}
    )


@transaction.atomic
def key_task_unlink_rule(*, actor, key_task: KeyTask, rule) -> None:
    task = lock_key_task(key_task)
    require_run(actor, task)
    task.rules.remove(rule)
    audit_record(
        actor=actor,
        action="initiatives.key_task.rule_unlinked",
        target=task,
        before={"rule": rule.pk},
    )
