"""Writes on study sessions and their leaders. Each runs in one transaction, audited, with the
study metrics kept in step."""

import datetime
import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from shigan.audit.services import AuditItem, audit_record, audit_record_many
from shigan.campaigns.models import Campaign
from shigan.core import uploads
from shigan.core.actors import is_system_actor, require_actor
from shigan.core.bulk import bulk_insert, reserve_ids
from shigan.core.changes import create_tracked
from shigan.core.edits import refuse_edited_elsewhere
from shigan.core.errors import RowsRejected
from shigan.metrics.engine import metric_changes
from shigan.orgs.choices import ROLE_ACTIONS
from shigan.orgs.models import Membership, Person, Unit
from shigan.orgs.permissions import user_can
from shigan.study.choices import StudyKind
from shigan.study.errors import ErrorCode, StudyError
from shigan.study.models import StudyActivity, StudyParticipant

__all__ = [
    "StudyError",
    "study_activity_create",
    "study_activity_update",
    "study_activity_delete",
    "study_participant_add",
    "study_participant_remove",
    "can_delete_activity",
    "person_eligible",
    "ActivityDraft",
    "StudyBulkRejected",
    "study_activity_bulk_create",
]


def _require_record(actor, unit: Unit) -> None:
    if not user_can(actor, "record", unit):
        raise StudyError(
            _("您没有在“%(unit)s”登记学习活动的权限。") % {"unit": unit}, code=ErrorCode.FORBIDDEN
        )


def can_delete_activity(user, activity: StudyActivity) -> bool:
    """Only editors (any recording role) held on the activity's own unit — the unit that
    entered the record — may delete it; a role on an ancestor lets one correct it, not erase it."""
    require_actor(user)
    if is_system_actor(user) or user.is_superuser:
        return True
    roles = [role for role, actions in ROLE_ACTIONS.items() if "record" in actions]
    return Membership.objects.filter(
        user=user, unit_id=activity.unit_id, role__in=roles, unit__active=True
    ).exists()


def person_eligible(person: Person, unit: Unit) -> bool:
    """Leaders of a session are people of the session's unit or of a unit below it."""
    return person.unit.path.startswith(unit.path)


def _snapshot(activity: StudyActivity) -> dict:
    return {
        "unit": activity.unit_id,
        "campaign": activity.campaign_id,
        "kind": activity.kind,
        "title": activity.title,
        "held_on": activity.held_on,
        "ends_on": activity.ends_on,
        "participants": activity.participants,
        "notes": activity.notes,
        "attachment": activity.attachment_name,
    }


def _clean(
    *,
    unit: Unit,
    campaign: Campaign | None,
    kind: str,
    title: str,
    held_on,
    ends_on,
    participants: int | None,
    leaders_count: int,
) -> tuple[str, int]:
    title = (title or "").strip()
    if not title:
        raise StudyError(_("主题不能为空。"), code=ErrorCode.TITLE_REQUIRED, field="title")
    if len(title) > 200:
        raise StudyError(_("主题不能超过 200 个字。"), code=ErrorCode.TITLE_TOO_LONG, field="title")
    if kind not in StudyKind.values:
        raise StudyError(_("学习形式无效。"), code=ErrorCode.INVALID_KIND, field="kind")
    if not isinstance(held_on, datetime.date):
        raise StudyError(_("请填写日期。"), code=ErrorCode.DATE_REQUIRED, field="held_on")
    if ends_on is not None and ends_on < held_on:
        raise StudyError(_("结束日期不能早于开始日期。"), code=ErrorCode.BAD_DATES, field="ends_on")
    participants = 0 if participants is None else participants
    if participants < 0:
        raise StudyError(
            _("参加人数不能为负数。"), code=ErrorCode.BAD_PARTICIPANTS, field="participants"
        )
    if participants and participants < leaders_count:
        raise StudyError(
            _("参加人数（%(n)d）少于参加领导人数（%(m)d）。")
            % {"n": participants, "m": leaders_count},
            code=ErrorCode.PARTICIPANTS_BELOW_LEADERS,
            field="participants",
        )
    if campaign is not None and not unit.path.startswith(campaign.root_unit.path):
        raise StudyError(
            _("“%(unit)s”不在“%(campaign)s”的范围内。") % {"unit": unit, "campaign": campaign},
            code=ErrorCode.UNIT_OUTSIDE_CAMPAIGN,
            field="campaign",
        )
    return title, participants


def _check_leaders(unit: Unit, leaders: Iterable[Person]) -> list[Person]:
    people = list(dict.fromkeys(leaders))
    for person in people:
        if not person_eligible(person, unit):
            raise StudyError(
                _("“%(person)s”不是“%(unit)s”或其下级单位的人员。")
                % {"person": person.name, "unit": unit},
                code=ErrorCode.PERSON_OUTSIDE_UNIT,
                field="leaders",
            )
    return people


def _store_attachment(activity: StudyActivity, attachment) -> None:
    """Checked by its content as every upload is (core.uploads), stored under a name of its own."""
    checked = uploads.check(attachment, field="attachment")
    kind = checked.extension
    today = datetime.date.today()
    name = f"{today:%Y/%m}/{uuid.uuid4().hex}.{kind}"
    activity.attachment_name = checked.name[-200:]
    activity.attachment_type = kind
    activity.attachment.save(name, checked.file, save=False)


def _sync_participants(activity: StudyActivity) -> None:
    StudyParticipant.objects.filter(activity=activity).update(
        unit=activity.unit_id,
        campaign=activity.campaign_id,
        kind=activity.kind,
        held_on=activity.held_on,
    )


def _add_leaders(activity: StudyActivity, people: Iterable[Person]) -> list[int]:
    """Participation rows of `people` in the activity (its unit, campaign, kind and day
    copied for the figures); returns their ids."""
    rows = StudyParticipant.objects.bulk_create(
        [
            StudyParticipant(
                activity=activity,
                person=p,
                unit=activity.unit,
                campaign=activity.campaign,
                kind=activity.kind,
                held_on=activity.held_on,
            )
            for p in people
        ]
    )
    return [r.pk for r in rows]


def _replace_leaders(activity: StudyActivity, people, before_leaders) -> list[int]:
    """The activity's leaders become `people`: those left out are removed, those new added
    (their rows' ids returned)."""
    wanted = {p.pk for p in people}
    StudyParticipant.objects.filter(activity=activity).exclude(person_id__in=wanted).delete()
    return _add_leaders(activity, [p for p in people if p.pk not in before_leaders])


def _apply_changes(
    activity: StudyActivity, new: dict, *, notes, attachment, remove_attachment: bool
) -> None:
    """Set the checked fields and the notes; remove or replace the attachment (the replaced
    file leaves the storage)."""
    for name, value in new.items():
        setattr(activity, name, value)
    if notes is not None:
        activity.notes = notes.strip()
    if remove_attachment and activity.attachment:
        activity.attachment.delete(save=False)
        activity.attachment_name = activity.attachment_type = ""
    if attachment is not None:
        old = activity.attachment.name if activity.attachment else None
        _store_attachment(activity, attachment)
        if old:
            activity.attachment.storage.delete(old)


@transaction.atomic
def study_activity_create(
    *,
    actor,
    unit: Unit,
    kind: str,
    title: str,
    held_on: datetime.date,
    campaign: Campaign | None = None,
    ends_on: datetime.date | None = None,
    participants: int | None = 0,
    notes: str = "",
    leaders: Iterable[Person] = (),
    attachment=None,
) -> StudyActivity:
    _require_record(actor, unit)
    people = _check_leaders(unit, leaders)
    title, participants = _clean(
        unit=unit,
        campaign=campaign,
        kind=kind,
        title=title,
        held_on=held_on,
        ends_on=ends_on,
        participants=participants,
        leaders_count=len(people),
    )
    activity = StudyActivity(
        unit=unit,
        campaign=campaign,
        kind=kind,
        title=title,
        held_on=held_on,
        ends_on=ends_on,
        participants=participants,
        notes=(notes or "").strip(),
        created_by=actor,
    )
    if attachment is not None:
        _store_attachment(activity, attachment)
    with metric_changes(StudyActivity) as changes:
        activity.save()
        changes.created([activity.pk])
    with metric_changes(StudyParticipant) as changes:
        changes.created(_add_leaders(activity, people))
    audit_record(
        actor=actor,
        action="study.activity.created",
        target=activity,
        after={**_snapshot(activity), "leaders": [p.pk for p in people]},
    )
    return activity


_UNSET = object()


@transaction.atomic
def study_activity_update(
    *,
    actor,
    activity: StudyActivity,
    kind: str | None = None,
    title: str | None = None,
    held_on: datetime.date | None = None,
    ends_on=_UNSET,
    participants: int | None = None,
    notes: str | None = None,
    leaders: Iterable[Person] | None = None,
    attachment=None,
    remove_attachment: bool = False,
    seen: Mapping[str, Any] | None = None,
) -> StudyActivity:
    """Change the given fields; `leaders`, when given, replaces the list of leaders. `seen`,
    what the user's form showed, refuses a change over someone else's (core.edits)."""
    activity = StudyActivity.objects.select_for_update().select_related("unit").get(pk=activity.pk)
    _require_record(actor, activity.unit)
    before = _snapshot(activity)
    before_leaders = sorted(activity.participations.values_list("person_id", flat=True))
    leaders_now = Person.objects.filter(pk__in=before_leaders)  # read only if compared
    refuse_edited_elsewhere(activity, seen, current={"leaders": leaders_now})
    people = _check_leaders(activity.unit, leaders) if leaders is not None else None
    new: dict[str, Any] = {  # _clean's keyword arguments
        "kind": activity.kind if kind is None else kind,
        "title": activity.title if title is None else title,
        "held_on": activity.held_on if held_on is None else held_on,
        "ends_on": activity.ends_on if ends_on is _UNSET else ends_on,
        "participants": activity.participants if participants is None else participants,
    }
    new["title"], new["participants"] = _clean(
        unit=activity.unit,
        campaign=activity.campaign,
        leaders_count=len(people) if people is not None else len(before_leaders),
        **new,
    )
    participant_ids = list(activity.participations.values_list("pk", flat=True))
    with metric_changes(StudyActivity, [activity.pk]):
        _apply_changes(
            activity, new, notes=notes, attachment=attachment, remove_attachment=remove_attachment
        )
        activity.save()
    with metric_changes(StudyParticipant, participant_ids) as changes:
        _sync_participants(activity)
        if people is not None:
            changes.created(_replace_leaders(activity, people, before_leaders))
    after_leaders = sorted(activity.participations.values_list("person_id", flat=True))
    audit_record(
        actor=actor,
        action="study.activity.updated",
        target=activity,
        before={**before, "leaders": before_leaders},
        after={**_snapshot(activity), "leaders": after_leaders},
    )
    return activity


@transaction.atomic
def study_activity_delete(*, actor, activity: StudyActivity) -> None:
    activity = StudyActivity.objects.select_for_update().select_related("unit").get(pk=activity.pk)
    if not can_delete_activity(actor, activity):
        raise StudyError(
            _("只有“%(unit)s”的填报人员可以删除本单位登记的学习活动。") % {"unit": activity.unit},
            code=ErrorCode.FORBIDDEN,
        )
    before = {
        **_snapshot(activity),
        "leaders": sorted(activity.participations.values_list("person_id", flat=True)),
    }
    audit_record(actor=actor, action="study.activity.deleted", target=activity, before=before)
    file_name = activity.attachment.name if activity.attachment else None
    participant_ids = list(activity.participations.values_list("pk", flat=True))
    with metric_changes(StudyParticipant, participant_ids):
        activity.participations.all().delete()
    with metric_changes(StudyActivity, [activity.pk]):
        activity.delete()
    if file_name:
        storage = StudyActivity._meta.get_field("attachment").storage
        transaction.on_commit(lambda: storage.delete(file_name))


@transaction.atomic
def study_participant_add(*, actor, activity: StudyActivity, person: Person) -> StudyParticipant:
    activity = StudyActivity.objects.select_for_update().select_related("unit").get(pk=activity.pk)
    _require_record(actor, activity.unit)
    _check_leaders(activity.unit, [person])
    if StudyParticipant.objects.filter(activity=activity, person=person).exists():
        raise StudyError(
            _("“%(person)s”已在参加领导名单中。") % {"person": person.name},
            code=ErrorCode.DUPLICATE_PARTICIPANT,
            field="person",
        )
    count = activity.participations.count() + 1
    if activity.participants and activity.participants < count:
        raise StudyError(
            _("参加人数（%(n)d）少于参加领导人数（%(m)d），请先修改参加人数。")
            % {"n": activity.participants, "m": count},
            code=ErrorCode.PARTICIPANTS_BELOW_LEADERS,
            field="person",
        )
    row = create_tracked(
        StudyParticipant,
        activity=activity,
        person=person,
        unit=activity.unit,
        campaign=activity.campaign,
        kind=activity.kind,
        held_on=activity.held_on,
    )
    audit_record(
        actor=actor,
        action="study.participant.added",
        target=activity,
        after={"person": person.pk, "name": person.name},
    )
    return row


@transaction.atomic
def study_participant_remove(*, actor, activity: StudyActivity, person: Person) -> None:
    activity = StudyActivity.objects.select_for_update().select_related("unit").get(pk=activity.pk)
    _require_record(actor, activity.unit)
    row = StudyParticipant.objects.filter(activity=activity, person=person).first()
    if row is None:
        raise StudyError(
            _("“%(person)s”不在参加领导名单中。") % {"person": person.name},
            code=ErrorCode.NOT_PARTICIPANT,
            field="person",
        )
    audit_record(
        actor=actor,
        action="study.participant.removed",
        target=activity,
        before={"person": person.pk, "name": person.name},
    )
    with metric_changes(StudyParticipant, [row.pk]):
        row.delete()


# ---------------------------------------------------------------------------------------------
# Bulk writes (the demo scenario, large imports): the same rules as `study_activity_create`,
# checked draft by draft, then one insert of the sessions, one of their leaders and one of
# their audit entries, with the metric facts kept in step.


@dataclass
class ActivityDraft:
    unit: Unit
    kind: str
    title: str
    held_on: datetime.date
    campaign: Campaign | None = None
    ends_on: datetime.date | None = None
    participants: int | None = 0
    notes: str = ""
    leaders: Sequence[Person | int] = ()


class StudyBulkRejected(RowsRejected):
    """Some drafts break a rule: nothing was written."""

    def __init__(self, errors: dict[int, StudyError]):
        super().__init__(
            _("有 %(n)d 条学习活动不符合要求，全部未保存。") % {"n": len(errors)}, errors=errors
        )


def _person_pk(person: Person | int) -> int:
    return person if isinstance(person, int) else person.pk


def _leader_paths(drafts: Sequence[ActivityDraft]) -> dict[int, tuple[str, str]]:
    """Each leader's unit path and name, in one query per 5,000 people."""
    ids = sorted({_person_pk(p) for d in drafts for p in d.leaders})
    found: dict[int, tuple[str, str]] = {}
    for i in range(0, len(ids), 5000):
        rows = Person.objects.filter(pk__in=ids[i : i + 5000]).values_list(
            "pk", "unit__path", "name"
        )
        found.update({pk: (path, name) for pk, path, name in rows})
    return found


def _check_draft(draft: ActivityDraft, people: dict, allowed: dict, actor) -> list[int]:
    if draft.unit.pk not in allowed:
        allowed[draft.unit.pk] = user_can(actor, "record", draft.unit)
    if not allowed[draft.unit.pk]:
        _require_record(actor, draft.unit)  # raises the service's own error
    leader_ids = list(dict.fromkeys(_person_pk(p) for p in draft.leaders))
    for pk in leader_ids:
        path, name = people.get(pk, ("", str(pk)))
        if not path.startswith(draft.unit.path):
            raise StudyError(
                _("“%(person)s”不是“%(unit)s”或其下级单位的人员。")
                % {"person": name, "unit": draft.unit},
                code=ErrorCode.PERSON_OUTSIDE_UNIT,
                field="leaders",
            )
    draft.title, draft.participants = _clean(
        unit=draft.unit,
        campaign=draft.campaign,
        kind=draft.kind,
        title=draft.title,
        held_on=draft.held_on,
        ends_on=draft.ends_on,
        participants=draft.participants,
        leaders_count=len(leader_ids),
    )
    draft.notes = (draft.notes or "").strip()
    return leader_ids


@transaction.atomic
def study_activity_bulk_create(*, actor, drafts: Sequence[ActivityDraft]) -> list[int]:
    """Record many sessions with their leaders at once; returns the new ids in draft order.
    Any invalid draft refuses the whole call (`StudyBulkRejected`) before anything is written."""
    people = _leader_paths(drafts)
    allowed: dict[int, bool] = {}
    errors: dict[int, StudyError] = {}
    leaders: list[list[int]] = []
    for index, draft in enumerate(drafts):
        try:
            leaders.append(_check_draft(draft, people, allowed, actor))
        except StudyError as error:
            errors[index] = error
    if errors:
        raise StudyBulkRejected(errors)
    ids = reserve_ids(StudyActivity, len(drafts))
    ops = connection.ops
    now = ops.adapt_datetimefield_value(timezone.now())
    actor_id = getattr(actor, "pk", None)
    day = ops.adapt_datefield_value
    rows: list[tuple] = []
    participant_rows: list[tuple] = []
    audit_items: list[AuditItem] = []
    for pk, draft, leader_ids in zip(ids, drafts, leaders, strict=True):
        campaign_id = getattr(draft.campaign, "pk", None)
        rows.append(
            (pk, draft.unit.pk, campaign_id, draft.kind, draft.title, day(draft.held_on),
             day(draft.ends_on), draft.participants, draft.notes, "", "", "", actor_id, now, now)
        )  # fmt: skip
        participant_rows.extend(
            (pk, person, draft.unit.pk, campaign_id, draft.kind, day(draft.held_on))
            for person in leader_ids
        )
        snapshot = {
            "unit": draft.unit.pk,
            "campaign": campaign_id,
            "kind": draft.kind,
            "title": draft.title,
            "held_on": draft.held_on,
            "ends_on": draft.ends_on,
            "participants": draft.participants,
            "notes": draft.notes,
            "attachment": "",
            "leaders": leader_ids,
        }
        audit_items.append(AuditItem("study.studyactivity", str(pk), draft.title, None, snapshot))
    with metric_changes(StudyActivity) as changes:
        bulk_insert(StudyActivity, _ACTIVITY_COLUMNS, rows)
        changes.created(ids)
    participant_ids = reserve_ids(StudyParticipant, len(participant_rows))
    with metric_changes(StudyParticipant) as changes:
        bulk_insert(
            StudyParticipant,
            ("id", "activity", "person", "unit", "campaign", "kind", "held_on"),
            ((pk, *row) for pk, row in zip(participant_ids, participant_rows, strict=True)),
        )
        changes.created(participant_ids)
    audit_record_many(actor=actor, action="study.activity.created", items=audit_items)
    return ids


_ACTIVITY_COLUMNS = (
    "id",
    "unit",
    "campaign",
    "kind",
    "title",
    "held_on",
    "ends_on",
    "participants",
    "notes",
    "attachment",
    "attachment_name",
    "attachment_type",
    "created_by",
    "created_at",
    "updated_at",
)
