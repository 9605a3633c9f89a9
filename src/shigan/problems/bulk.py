"""Many problems or measures at once, for importers and the demo loader: the same rules as
`problem_create` / `measure_add`, checked for every draft first (all or nothing: a refused
draft is reported by its index and nothing is written), then written with bulk inserts, one
`metric_changes` per model and one `audit_record_many` per action."""

import datetime
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from shigan.audit.services import AuditItem, audit_record_many
from shigan.core.bulk import bulk_insert, reserve_ids
from shigan.core.errors import RowsRejected
from shigan.metrics.engine import metric_changes
from shigan.orgs.models import Unit
from shigan.orgs.services import user_can
from shigan.problems.choices import MeasureState, ProblemSource, ProblemState, ProblemTerm
from shigan.problems.models import Measure, Problem, ProblemTransition
from shigan.problems.watch import light_for

__all__ = [
    "ProblemDraft",
    "MeasureDraft",
    "ProblemBulkRejected",
    "problem_bulk_create",
    "measure_bulk_add",
]


@dataclass
class ProblemDraft:
    """`problem_create`'s keyword arguments (first_measure: {"text", "owner", "deadline",
    "added_on"})."""

    unit: Unit
    title: str
    source: str
    found_on: datetime.date
    campaign: object = None
    aspect: object = None
    research_topic: object = None
    description: str = ""
    responsible: object = None
    term: str = ProblemTerm.TIME_BOUND
    deadline: datetime.date | None = None
    deadline_workdays: int | None = None
    special_program: object = None
    first_measure: dict | None = None


@dataclass
class MeasureDraft:
    problem: Problem
    text: str
    added_on: datetime.date
    owner: object = None
    deadline: datetime.date | None = None


class ProblemBulkRejected(RowsRejected):
    def __init__(self, errors: dict):
        super().__init__(
            _("有 %(n)d 条记录不符合要求，全部未写入。") % {"n": len(errors)}, errors=errors
        )


@dataclass
class _Checks:
    actor: object
    allowed: dict = field(default_factory=dict)
    errors: dict = field(default_factory=dict)

    def record(self, unit: Unit, message: str) -> None:
        from shigan.problems.services import ProblemError

        if unit.pk not in self.allowed:
            self.allowed[unit.pk] = self.actor is None or user_can(self.actor, "record", unit)
        if not self.allowed[unit.pk]:
            raise ProblemError(message, code="forbidden")

    def run(self, drafts, check) -> None:
        from shigan.problems.services import ProblemError

        for index, draft in enumerate(drafts):
            try:
                check(draft)
            except ProblemError as error:
                self.errors[index] = error
        if self.errors:
            raise ProblemBulkRejected(self.errors)


def _db_day(day):
    return connection.ops.adapt_datefield_value(day)


def _pk(obj):
    return getattr(obj, "pk", None)


def _check_problem(d: ProblemDraft, checks: _Checks) -> None:
    from shigan.problems import services as s

    d.title = s._text(d.title, field="title", message=_("问题不能为空。"), max_length=300)
    if d.source not in ProblemSource.values:
        raise s.ProblemError(_("问题来源无效。"), code="invalid_source", field="source")
    if d.term not in ProblemTerm.values:
        raise s.ProblemError(_("整改类型无效。"), code="invalid_term", field="term")
    checks.record(d.unit, _("您没有在该单位登记问题的权限。"))
    s._check_links(
        unit=d.unit,
        campaign=d.campaign,
        aspect=d.aspect,
        research_topic=d.research_topic,
        special_program=d.special_program,
    )
    d.deadline = s._deadline_from(d.found_on, d.deadline, d.deadline_workdays)
    d.description = (d.description or "").strip()
    if d.first_measure:
        m = dict(d.first_measure)
        m["text"] = s._text(m.get("text"), field="text", message=_("整改措施不能为空。"))
        m["added_on"] = m.get("added_on") or d.found_on
        if m.get("deadline") is not None and m["deadline"] < m["added_on"]:
            raise s.ProblemError(
                _("完成时限不能早于提出日期。"), code="deadline_before_added", field="deadline"
            )
        d.first_measure = m


@transaction.atomic
def problem_bulk_create(*, actor, drafts: Sequence[ProblemDraft]) -> list[int]:
    """Many `problem_create`s at once; returns the new problems' ids in draft order."""
    drafts = list(drafts)
    checks = _Checks(actor)
    checks.run(drafts, lambda d: _check_problem(d, checks))
    if not drafts:
        return []
    today = timezone.localdate()
    ids = reserve_ids(Problem, len(drafts))
    started = [(pk, d) for pk, d in zip(ids, drafts, strict=True) if d.first_measure]
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    actor_id = _pk(actor)

    def rows():
        for pk, d in zip(ids, drafts, strict=True):
            state = ProblemState.IN_PROGRESS if d.first_measure else ProblemState.OPEN
            draft = Problem(state=state, found_on=d.found_on, term=d.term, deadline=d.deadline)
            light = light_for(draft, today)
            yield (
                pk, d.unit.pk, _pk(d.campaign), _pk(d.aspect), _pk(d.research_topic),
                _pk(d.special_program), d.source, d.title, d.description, _pk(d.responsible),
                _db_day(d.found_on), d.term, _db_day(d.deadline), d.deadline_workdays, state,
                0, light, _db_day(today), now,
            )  # fmt: skip

    columns = (
        "id", "unit", "campaign", "aspect", "research_topic", "special_program", "source",
        "title", "description", "responsible", "found_on", "term", "deadline",
        "deadline_workdays", "state", "progress_percent", "light", "light_on", "created_at",
    )  # fmt: skip
    # Transition ids in this order keep each problem's "open" row before its "in_progress".
    transition_ids = iter(reserve_ids(ProblemTransition, len(drafts) + len(started)))
    transitions = [
        (next(transition_ids), pk, "", ProblemState.OPEN, _db_day(d.found_on), now, actor_id, "")
        for pk, d in zip(ids, drafts, strict=True)
    ]
    transitions += [
        (next(transition_ids), pk, ProblemState.OPEN, ProblemState.IN_PROGRESS,
         _db_day(d.first_measure["added_on"]), now, actor_id, _("登记整改措施"))
        for pk, d in started
    ]  # fmt: skip
    measure_ids = reserve_ids(Measure, len(started))
    with metric_changes(Problem) as problems, metric_changes(Measure) as measures:
        bulk_insert(Problem, columns, rows())
        bulk_insert(
            ProblemTransition,
            ("id", "problem", "from_state", "to_state", "day", "at", "actor", "comment"),
            transitions,
        )
        firsts = [(pk, d.first_measure) for pk, d in started]
        bulk_insert(Measure, _MEASURE_COLUMNS, _measure_rows(measure_ids, firsts, actor_id, now))
        problems.created(ids)
        measures.created(measure_ids)
    _audit_created(actor, ids, drafts)
    _audit_measures(actor, measure_ids, firsts)
    _audit_started(actor, [(pk, d.first_measure["added_on"]) for pk, d in started])
    return ids


_MEASURE_COLUMNS = (
    "id", "problem", "text", "owner", "deadline", "state", "done_on", "added_on",
    "created_by", "created_at",
)  # fmt: skip


def _measure_rows(measure_ids, pairs, actor_id, now):
    """(measure id, (problem id, {"text", "owner", "deadline", "added_on"})) → rows."""
    for mid, (problem_id, m) in zip(measure_ids, pairs, strict=True):
        yield (
            mid, problem_id, m["text"], _pk(m.get("owner")), _db_day(m.get("deadline")),
            MeasureState.PLANNED, None, _db_day(m["added_on"]), actor_id, now,
        )  # fmt: skip


def _audit_created(actor, ids, drafts) -> None:
    audit_record_many(
        actor=actor,
        action="problems.problem.created",
        items=(
            AuditItem(
                "problems.problem",
                str(pk),
                d.title,
                None,
                {
                    "unit": d.unit.pk,
                    "campaign": _pk(d.campaign),
                    "aspect": _pk(d.aspect),
                    "research_topic": _pk(d.research_topic),
                    "special_program": _pk(d.special_program),
                    "source": d.source,
                    "title": d.title,
                    "description": d.description,
                    "responsible": _pk(d.responsible),
                    "found_on": d.found_on,
                    "term": d.term,
                    "deadline": d.deadline,
                    "deadline_workdays": d.deadline_workdays,
                    "next_checkpoint": None,
                },
            )
            for pk, d in zip(ids, drafts, strict=True)
        ),
    )


def _audit_measures(actor, measure_ids, pairs) -> None:
    audit_record_many(
        actor=actor,
        action="problems.measure.added",
        items=(
            AuditItem(
                "problems.measure",
                str(mid),
                m["text"][:60],
                None,
                {
                    "problem": problem_id,
                    "text": m["text"],
                    "owner": _pk(m.get("owner")),
                    "deadline": m.get("deadline"),
                    "added_on": m["added_on"],
                },
            )
            for mid, (problem_id, m) in zip(measure_ids, pairs, strict=True)
        ),
    )


def _audit_started(actor, started: list[tuple[int, datetime.date]]) -> None:
    if not started:
        return
    titles = dict(
        Problem.objects.filter(pk__in=[pk for pk, _day in started]).values_list("pk", "title")
    )
    audit_record_many(
        actor=actor,
        action="problems.problem.state_changed",
        items=(
            AuditItem(
                "problems.problem",
                str(pk),
                titles[pk],
                {"state": ProblemState.OPEN},
                {"state": ProblemState.IN_PROGRESS, "day": day, "comment": _("登记整改措施")},
            )
            for pk, day in started
        ),
    )


@transaction.atomic
def measure_bulk_add(*, actor, drafts: Sequence[MeasureDraft]) -> list[int]:
    """Many `measure_add`s at once; an open problem starts (in_progress) on the day of its
    first measure in draft order. Returns the measures' ids in draft order."""
    from shigan.problems import services as s

    drafts = list(drafts)
    problem_ids = sorted({d.problem.pk for d in drafts})
    locked = {
        p.pk: p
        for p in Problem.objects.select_for_update(of=("self",))
        .select_related("unit")
        .filter(pk__in=problem_ids)
        .order_by("pk")
    }
    checks = _Checks(actor)
    starts: dict[int, datetime.date] = {}

    def check(d: MeasureDraft) -> None:
        problem = locked[d.problem.pk]
        d.text = s._text(d.text, field="text", message=_("整改措施不能为空。"))
        checks.record(problem.unit, _("您没有为该问题登记整改措施的权限。"))
        s._refuse_closed(problem)
        if d.deadline is not None and d.deadline < d.added_on:
            raise s.ProblemError(
                _("完成时限不能早于提出日期。"), code="deadline_before_added", field="deadline"
            )
        if problem.state == ProblemState.OPEN:
            starts.setdefault(problem.pk, d.added_on)

    checks.run(drafts, check)
    if not drafts:
        return []
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    actor_id = _pk(actor)
    ids = reserve_ids(Measure, len(drafts))
    pairs = [
        (d.problem.pk, {"text": d.text, "owner": d.owner, "deadline": d.deadline,
                        "added_on": d.added_on})
        for d in drafts
    ]  # fmt: skip
    with metric_changes(Measure) as measures, metric_changes(Problem, list(starts)):
        bulk_insert(Measure, _MEASURE_COLUMNS, _measure_rows(ids, pairs, actor_id, now))
        measures.created(ids)
        transition_ids = reserve_ids(ProblemTransition, len(starts))
        bulk_insert(
            ProblemTransition,
            ("id", "problem", "from_state", "to_state", "day", "at", "actor", "comment"),
            (
                (tid, pk, ProblemState.OPEN, ProblemState.IN_PROGRESS, _db_day(day), now,
                 actor_id, _("登记整改措施"))
                for tid, (pk, day) in zip(transition_ids, starts.items(), strict=True)
            ),
        )  # fmt: skip
        Problem.objects.filter(pk__in=list(starts)).update(state=ProblemState.IN_PROGRESS)
    _audit_measures(actor, ids, pairs)
    _audit_started(actor, list(starts.items()))
    return ids
