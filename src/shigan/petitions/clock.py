"""The statutory clock of a petition under 《信访工作条例》(2022), as pure functions of dates.

Periods the regulation gives in days (日) are calendar days; only the objection period is in
working days. Two rules of Chinese law on periods apply to every calendar-day period (民法典
第二百零一条、第二百零三条, also 行政诉讼法 on periods): the day the period starts from is not
counted, and a period whose last day falls on a rest day (a weekend or a statutory holiday)
ends on the next working day — so a make-up Saturday (调休上班日) can be a last day. Working
days come from `shigan.core.calendar`, which refuses to guess a year it has no data for.

| step | period | basis |
| --- | --- | --- |
| register and route (登记并转送、交办) | 15 days from receipt | Art. 22 |
| written notice (书面告知) | 15 days from the answering body's receipt | Art. 23 |
| objection to the notice (异议) | 5 working days from the notice | — |
| handle (办结) | 60 days from acceptance, + at most 30 approved by the body's head | Art. 34 |
| request review (申请复查) | 30 days from the reply | Art. 35 |
| review (复查) | 30 days from the request | Art. 35 |
| request re-review (申请复核) | 30 days from the review opinion | Art. 36 |
| re-review (复核) | 30 days from the request, hearing time not counted | Art. 36 |

After a re-review the same matter on the same facts and reasons is not taken again (Art. 36).

A *duty* step is owed by a body and is late when done after its due day; a *window* step is the
petitioner's right and simply closes.
"""

import datetime
from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _

from shigan.core.calendar import add_workdays, is_workday, workdays_between

__all__ = [
    "ROUTE_DAYS",
    "NOTICE_DAYS",
    "OBJECTION_WORKDAYS",
    "HANDLE_DAYS",
    "MAX_EXTENSION_DAYS",
    "REVIEW_REQUEST_DAYS",
    "REVIEW_DAYS",
    "DUTY",
    "WINDOW",
    "ReviewFacts",
    "Facts",
    "Step",
    "Clock",
    "period_end",
    "objection_end",
    "handling_due",
    "replied_on_time",
    "hearing_days",
    "next_review_level",
    "review_request_due",
    "clock",
]

ROUTE_DAYS = 15
NOTICE_DAYS = 15
OBJECTION_WORKDAYS = 5
HANDLE_DAYS = 60
MAX_EXTENSION_DAYS = 30
REVIEW_REQUEST_DAYS = 30
REVIEW_DAYS = 30

DUTY = "duty"
WINDOW = "window"

REVIEW = "review"
REREVIEW = "rereview"


def period_end(start: datetime.date, days: int) -> datetime.date:
    """The last day of a period of `days` calendar days after `start` (start not counted),
    moved to the next working day when it falls on a rest day."""
    end = start + datetime.timedelta(days=days)
    while not is_workday(end):
        end += datetime.timedelta(days=1)
    return end


def objection_end(notified_on: datetime.date) -> datetime.date:
    """The last day to object to a written notice: 5 working days after it."""
    return add_workdays(notified_on, OBJECTION_WORKDAYS)


def handling_due(accepted_on: datetime.date, extension_days: int = 0) -> datetime.date:
    return period_end(accepted_on, HANDLE_DAYS + extension_days)


def replied_on_time(
    accepted_on: datetime.date, replied_on: datetime.date, extension_days: int = 0
) -> bool:
    """Whether a reply met the handling period. The rest-day rule only ever lengthens a
    period, so a reply inside the plain count needs no calendar."""
    if replied_on <= accepted_on + datetime.timedelta(days=HANDLE_DAYS + extension_days):
        return True
    return replied_on <= handling_due(accepted_on, extension_days)


def hearing_days(started_on: datetime.date | None, ended_on: datetime.date | None) -> int:
    """Days a hearing took, both ends included; they are not counted in the re-review period."""
    if started_on is None or ended_on is None or ended_on < started_on:
        return 0
    return (ended_on - started_on).days + 1


@dataclass(frozen=True)
class ReviewFacts:
    level: str  # "review" (复查) or "rereview" (复核)
    requested_on: datetime.date
    decided_on: datetime.date | None = None
    told_on: datetime.date | None = None
    hearing_days: int = 0

    @property
    def answered_on(self) -> datetime.date | None:
        """When the petitioner had the opinion: told, else decided."""
        return self.told_on or self.decided_on


@dataclass(frozen=True)
class Facts:
    """What happened to a petition, by date."""

    received_on: datetime.date
    # The day the body that must answer received it (the receipt, or the last hand-over).
    handed_on: datetime.date | None = None
    routed_on: datetime.date | None = None  # the first hand-over
    accepted_on: datetime.date | None = None
    declined_on: datetime.date | None = None
    notified_on: datetime.date | None = None
    objection_on: datetime.date | None = None
    extension_days: int = 0
    replied_on: datetime.date | None = None
    told_on: datetime.date | None = None
    reviews: tuple[ReviewFacts, ...] = field(default_factory=tuple)

    def review(self, level: str) -> ReviewFacts | None:
        return next((r for r in self.reviews if r.level == level), None)


@dataclass(frozen=True)
class Step:
    key: str
    label: object
    basis: object
    kind: str
    starts_on: datetime.date
    due_on: datetime.date
    done_on: datetime.date | None = None
    workdays: bool = False
    note: object = ""

    @property
    def done(self) -> bool:
        return self.done_on is not None

    @property
    def late(self) -> bool:
        """A duty done after its due day (a window never is)."""
        return self.kind == DUTY and self.done_on is not None and self.done_on > self.due_on

    def overdue(self, today: datetime.date) -> bool:
        return self.kind == DUTY and not self.done and today > self.due_on

    def closed(self, today: datetime.date) -> bool:
        return self.kind == WINDOW and not self.done and today > self.due_on

    def status(self, today: datetime.date) -> tuple[str, int | None]:
        """What the step's row says today: done / late / used (a window the petitioner used),
        overdue / closed with the days past, or open with the days left."""
        if self.done:
            if self.kind == WINDOW:
                return "used", None
            return ("late" if self.late else "done"), None
        if today > self.due_on:
            return ("closed" if self.kind == WINDOW else "overdue"), (today - self.due_on).days
        return "open", self.days_left(today)

    def days_left(self, today: datetime.date) -> int:
        """Days (working days for a working-day period) from today to the due day; negative
        when past it."""
        if self.workdays:
            return workdays_between(today, self.due_on)
        return (self.due_on - today).days


@dataclass(frozen=True)
class Clock:
    steps: tuple[Step, ...]
    final: bool = False  # re-reviewed: the matter is not taken again

    def step(self, key: str) -> Step | None:
        return next((s for s in self.steps if s.key == key), None)

    def next_duty(self) -> Step | None:
        """The open duty due first: what the desk sorts by and the light is about."""
        open_duties = [s for s in self.steps if s.kind == DUTY and not s.done]
        return min(open_duties, key=lambda s: s.due_on, default=None)


def _intake_steps(f: Facts) -> list[Step]:
    taken_up = f.routed_on or f.accepted_on or f.declined_on
    steps = [
        Step(
            "route",
            _("登记并转送、交办"),
            _("第二十二条：收到之日起15日内"),
            DUTY,
            f.received_on,
            period_end(f.received_on, ROUTE_DAYS),
            taken_up,
        ),
    ]
    handed_on = f.handed_on or f.received_on
    steps.append(
        Step(
            "notice",
            _("书面告知信访人"),
            _("第二十三条：有权处理机关收到之日起15日内"),
            DUTY,
            handed_on,
            period_end(handed_on, NOTICE_DAYS),
            f.notified_on,
        )
    )
    if f.notified_on:
        steps.append(
            Step(
                "objection",
                _("信访人提出异议"),
                _("书面告知之日起5个工作日内"),
                WINDOW,
                f.notified_on,
                objection_end(f.notified_on),
                f.objection_on,
                workdays=True,
            )
        )
    return steps


def _handling_step(f: Facts, accepted_on: datetime.date) -> Step:
    note = _("含经批准延长的 %(n)d 日") % {"n": f.extension_days} if f.extension_days else ""
    return Step(
        "handle",
        _("办结并答复"),
        _("第三十四条：受理之日起60日内，经批准可延长不超过30日"),
        DUTY,
        accepted_on,
        handling_due(accepted_on, f.extension_days),
        f.replied_on,
        note=note,
    )


def _review_steps(f: Facts) -> list[Step]:
    steps: list[Step] = []
    answered_on = f.told_on or f.replied_on
    labels = {
        REVIEW: (_("申请复查"), _("第三十五条：收到书面答复之日起30日内"), _("复查")),
        REREVIEW: (_("申请复核"), _("第三十六条：收到复查意见之日起30日内"), _("复核")),
    }
    for level in (REVIEW, REREVIEW):
        if answered_on is None:
            break
        request_label, request_basis, label = labels[level]
        review = f.review(level)
        steps.append(
            Step(
                f"{level}_request",
                request_label,
                request_basis,
                WINDOW,
                answered_on,
                period_end(answered_on, REVIEW_REQUEST_DAYS),
                review.requested_on if review else None,
            )
        )
        if review is None:
            break
        basis = (
            _("第三十六条：收到复核请求之日起30日内，听证时间不计入")
            if level == REREVIEW
            else _("第三十五条：收到复查请求之日起30日内")
        )
        note = _("听证 %(n)d 日不计入") % {"n": review.hearing_days} if review.hearing_days else ""
        steps.append(
            Step(
                level,
                _("提出%(label)s意见") % {"label": label},
                basis,
                DUTY,
                review.requested_on,
                period_end(review.requested_on, REVIEW_DAYS + review.hearing_days),
                review.decided_on,
                note=note,
            )
        )
        answered_on = review.answered_on
    return steps


def clock(f: Facts) -> Clock:
    """Every step of the petition so far, each with its due day and when it was done."""
    steps = _intake_steps(f)
    if f.accepted_on:
        steps.append(_handling_step(f, f.accepted_on))
    steps.extend(_review_steps(f))
    rereview = f.review(REREVIEW)
    return Clock(tuple(steps), final=bool(rereview and rereview.decided_on))


def next_review_level(f: Facts) -> str | None:
    """Which review the petitioner may ask for next: 复查 after a reply, 复核 after a decided
    复查, none after a 复核 (Art. 36) or while one is pending."""
    if f.replied_on is None:
        return None
    review, rereview = f.review(REVIEW), f.review(REREVIEW)
    if review is None:
        return REVIEW
    if rereview is None and review.decided_on is not None:
        return REREVIEW
    return None


def review_request_due(f: Facts, level: str) -> datetime.date | None:
    """The last day to ask for `level`: 30 days after the answer it is about."""
    if level == REVIEW:
        answered_on = f.told_on or f.replied_on
    else:
        review = f.review(REVIEW)
        answered_on = review.answered_on if review else None
    return period_end(answered_on, REVIEW_REQUEST_DAYS) if answered_on else None
