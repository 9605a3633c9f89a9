"""What the research services share: the error, the checks of rights, text and attachments, the
row lock and the topic's transition (its row, state and audit entry)."""

import datetime

from django.utils.translation import gettext as _

from shigan.audit.services import audit_record
from shigan.core import uploads
from shigan.core.errors import FieldCode
from shigan.metrics.engine import metric_changes
from shigan.orgs.models import Unit
from shigan.orgs.permissions import user_can
from shigan.research.errors import ErrorCode, ResearchError
from shigan.research.models import ResearchTopic, TopicTransition

__all__ = ["ResearchError"]


def _require_record(actor, unit: Unit) -> None:
    if not user_can(actor, "record", unit):
        raise ResearchError(_("您没有在该单位登记调研的权限。"), code=ErrorCode.FORBIDDEN)


def _clean_text(value: str, *, field: str, message: str, max_length: int | None = None) -> str:
    value = (value or "").strip()
    if not value:
        raise ResearchError(message, code=FieldCode.required(field), field=field)
    if max_length and len(value) > max_length:
        raise ResearchError(
            _("不能超过 %(n)d 个字。") % {"n": max_length},
            code=FieldCode.too_long(field),
            field=field,
        )
    return value


def _check_attachment(attachment) -> None:
    """By its content, as every upload is (core.uploads)."""
    if attachment:
        uploads.check(attachment, field="attachment")


def _transition(topic: ResearchTopic, *, actor, to: str, day: datetime.date, comment: str = ""):
    """Move the topic to `to`, with its transition row and audit entry."""
    before = topic.state
    with metric_changes(ResearchTopic, [topic.pk]):
        TopicTransition.objects.create(
            topic=topic, from_state=before, to_state=to, day=day, actor=actor, comment=comment
        )
        topic.state = to
        topic.save(update_fields=["state"])
    audit_record(
        actor=actor,
        action="research.topic.transitioned",
        target=topic,
        before={"state": before},
        after={"state": to, "day": day, "comment": comment},
    )


def _locked(topic: ResearchTopic) -> ResearchTopic:
    return (
        ResearchTopic.objects.select_for_update()
        .select_related("unit", "campaign")
        .get(pk=topic.pk)
    )
