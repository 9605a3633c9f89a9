"""Research results (调研成果): recorded, adopted."""

import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from shigan.audit.services import audit_record
from shigan.audit.snapshots import snapshot
from shigan.core.changes import create_tracked
from shigan.metrics.engine import metric_changes
from shigan.research.choices import ResultKind, ResultState
from shigan.research.errors import ErrorCode
from shigan.research.models import ResearchResult, ResearchTopic
from shigan.research.services.base import ResearchError, _clean_text, _locked, _require_record

__all__ = ["result_create", "result_adopt"]


@transaction.atomic
def result_create(
    *,
    actor,
    topic: ResearchTopic,
    kind: str,
    title: str,
    recorded_on: datetime.date | None = None,
    state: str = ResultState.DRAFTING,
    adopted_on: datetime.date | None = None,
) -> ResearchResult:
    topic = _locked(topic)
    _require_record(actor, topic.unit)
    title = _clean_text(title, field="title", message=_("成果名称不能为空。"), max_length=200)
    if kind not in ResultKind.values:
        raise ResearchError(_("成果类型无效。"), code=ErrorCode.INVALID_KIND, field="kind")
    if state not in ResultState.values:
        raise ResearchError(_("采纳状态无效。"), code=ErrorCode.INVALID_STATE, field="state")
    if not topic.takes_findings():
        raise ResearchError(_("开展调研后才能登记调研成果。"), code=ErrorCode.NOT_STARTED)
    if state == ResultState.ADOPTED and adopted_on is None:
        raise ResearchError(
            _("已采纳的成果须填写采纳日期。"),
            code=ErrorCode.ADOPTED_ON_REQUIRED,
            field="adopted_on",
        )
    if state == ResultState.DRAFTING:
        adopted_on = None
    result = create_tracked(
        ResearchResult,
        topic=topic,
        unit_id=topic.unit_id,
        campaign_id=topic.campaign_id,
        kind=kind,
        title=title,
        state=state,
        recorded_on=recorded_on or timezone.localdate(),
        adopted_on=adopted_on,
        created_by=actor,
    )
    audit_record(
        actor=actor,
        action="research.result.created",
        target=result,
        after=snapshot(result, ("topic", "kind", "title", "state", "adopted_on")),
    )
    return result


@transaction.atomic
def result_adopt(
    *, actor, result: ResearchResult, adopted_on: datetime.date | None = None
) -> ResearchResult:
    result = ResearchResult.objects.select_for_update().select_related("unit").get(pk=result.pk)
    _require_record(actor, result.unit)
    if result.state == ResultState.ADOPTED:
        raise ResearchError(_("该成果已采纳。"), code=ErrorCode.ALREADY_ADOPTED)
    adopted_on = adopted_on or timezone.localdate()
    with metric_changes(ResearchResult, [result.pk]):
        result.state = ResultState.ADOPTED
        result.adopted_on = adopted_on
        result.save(update_fields=["state", "adopted_on"])
    audit_record(
        actor=actor,
        action="research.result.adopted",
        target=result,
        before={"state": ResultState.DRAFTING},
        after={"state": ResultState.ADOPTED, "adopted_on": adopted_on},
    )
    return result
