"""Review (复查) and re-review (复核) of a reply: asked of the body above, a hearing (复核 only),
the opinion."""

import datetime

from django.db import transaction
from django.utils.translation import gettext as _

from shigan.audit.services import audit_record
from shigan.orgs.models import Unit
from shigan.orgs.permissions import user_can
from shigan.petitions import clock
from shigan.petitions.choices import PetitionState, ReviewLevel
from shigan.petitions.errors import ErrorCode
from shigan.petitions.models import Petition, PetitionReview
from shigan.petitions.selectors import petition_facts
from shigan.petitions.services.base import (
    PetitionError,
    _date,
    _locked,
    _require,
    _save,
    _text,
    petition_refresh_light,
)

__all__ = ["petition_review_request", "petition_review_hearing", "petition_review_decide"]


def _review_refusal(facts: clock.Facts) -> PetitionError:
    if facts.review(ReviewLevel.REREVIEW) is not None:
        return PetitionError(
            _("复核意见为终结意见，同一事项不再受理复查、复核（第三十六条）。"),
            code=ErrorCode.NO_FURTHER_REVIEW,
        )
    if facts.replied_on is None:
        return PetitionError(_("答复后才能请求复查。"), code=ErrorCode.NOT_REPLIED)
    return PetitionError(_("复查尚未办结，不能请求复核。"), code=ErrorCode.REVIEW_PENDING)


def _request_day(facts: clock.Facts, level: str, requested_on: datetime.date) -> datetime.date:
    """The day a review is asked for, refused when it lies past the 30 days the level allows."""
    last = clock.review_request_due(facts, level)
    assert last is not None  # a level is open only after the answer it is about
    requested_on = _date(requested_on, field="requested_on")
    if requested_on > last:
        raise PetitionError(
            _("已超过请求%(level)s的期限（%(day)s）。")
            % {"level": ReviewLevel(level).label, "day": last.isoformat()},
            code=ErrorCode.REVIEW_REQUEST_LATE,
            field="requested_on",
        )
    return requested_on


@transaction.atomic
def petition_review_request(
    *,
    actor,
    petition: Petition,
    requested_on: datetime.date,
    text: str = "",
    body: Unit | None = None,
) -> PetitionReview:
    """The petitioner asks the body above the one that answered for a review (复查), then a
    re-review (复核); each within 30 days of the answer it is about; none after a 复核."""
    petition = _locked(petition)
    facts = petition_facts(petition)
    level = clock.next_review_level(facts)
    if level is None:
        raise _review_refusal(facts)
    requested_on = _request_day(facts, level, requested_on)
    body = body or _review_body(petition, level)
    if body is None:
        raise PetitionError(_("没有可以复查的上一级机关。"), code=ErrorCode.NO_BODY, field="body")
    if not user_can(actor, "record", body):
        agent = petition.intake_agent
        if agent is None or agent.user_id != actor.pk:
            _require(actor, "record", body)
    review = PetitionReview.objects.create(
        petition=petition,
        level=level,
        body=body,
        requested_on=requested_on,
        request_text=(text or "").strip(),
        requested_by=actor,
    )
    to_state = (
        PetitionState.REVIEW_REQUESTED
        if level == ReviewLevel.REVIEW
        else PetitionState.REREVIEW_REQUESTED
    )
    _save(
        petition,
        actor=actor,
        to_state=to_state,
        day=requested_on,
        comment=(text or "").strip(),
        to_unit=body,
    )
    audit_record(
        actor=actor,
        action="petitions.review.requested",
        target=petition,
        after={"level": level, "body": body.pk, "requested_on": requested_on},
    )
    petition_refresh_light(petition)
    return review


def _review_body(petition: Petition, level: str) -> Unit | None:
    """The body above the one that answered (复查), above the reviewing body (复核)."""
    if level == ReviewLevel.REVIEW:
        below = petition.answered_by
    else:
        below = petition.reviews.get(level=ReviewLevel.REVIEW).body
    return Unit.objects.get_parent(below) if below is not None else None


def _locked_review(review: PetitionReview) -> PetitionReview:
    return (
        PetitionReview.objects.select_for_update(of=("self",))
        .select_related("body", "petition")
        .get(pk=review.pk)
    )


@transaction.atomic
def petition_review_hearing(
    *, actor, review: PetitionReview, started_on: datetime.date, ended_on: datetime.date
) -> PetitionReview:
    """A hearing held in a re-review (听证); its days do not count in the 30 (Art. 36)."""
    review = _locked_review(review)
    _require(actor, "record", review.body)
    if review.level != ReviewLevel.REREVIEW:
        raise PetitionError(_("只有复核可以举行听证。"), code=ErrorCode.HEARING_NOT_REREVIEW)
    if review.decided_on is not None:
        raise PetitionError(_("复核已办结。"), code=ErrorCode.ALREADY_DECIDED)
    started_on = _date(
        started_on, field="started_on", floor=review.requested_on, what=_("请求日期")
    )
    ended_on = _date(ended_on, field="ended_on", floor=started_on, what=_("开始日期"))
    review.hearing_started_on, review.hearing_ended_on = started_on, ended_on
    review.save(update_fields=["hearing_started_on", "hearing_ended_on"])
    audit_record(
        actor=actor,
        action="petitions.review.hearing",
        target=review.petition,
        after={"review": review.pk, "started_on": started_on, "ended_on": ended_on},
    )
    petition_refresh_light(_locked(review.petition))
    return review


@transaction.atomic
def petition_review_decide(
    *,
    actor,
    review: PetitionReview,
    decided_on: datetime.date,
    opinion: str,
    told_on: datetime.date | None = None,
) -> PetitionReview:
    review = _locked_review(review)
    _require(actor, "record", review.body)
    if review.decided_on is not None:
        raise PetitionError(_("已提出意见。"), code=ErrorCode.ALREADY_DECIDED)
    opinion = _text(opinion, field="opinion", message=_("请填写意见。"))
    decided_on = _date(
        decided_on, field="decided_on", floor=review.requested_on, what=_("请求日期")
    )
    told_on = _date(told_on or decided_on, field="told_on", floor=decided_on)
    review.decided_on, review.opinion, review.told_on = decided_on, opinion, told_on
    review.decided_by = actor
    review.save(update_fields=["decided_on", "opinion", "told_on", "decided_by"])
    petition = _locked(review.petition)
    to_state = (
        PetitionState.REVIEWED if review.level == ReviewLevel.REVIEW else PetitionState.CLOSED
    )
    _save(petition, actor=actor, to_state=to_state, day=decided_on, comment=opinion)
    audit_record(
        actor=actor,
        action="petitions.review.decided",
        target=petition,
        after={"level": review.level, "decided_on": decided_on, "told_on": told_on},
    )
    petition_refresh_light(petition)
    return review
