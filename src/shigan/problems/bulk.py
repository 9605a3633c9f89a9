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
from django.utils.translation import gettext_lazy as _lazy

from shigan.audit.services import AuditItem, audit_record_many
from shigan.core.bulk import bulk_insert, chunks, reserve_ids
from shigan.core.errors import RowsRejected
from shigan.metrics.engine import metric_changes
from shigan.orgs.models import Unit
from shigan.orgs.permissions import user_can
from shigan.problems.choices import (
    CloseOutState,
    MeasureState,
    ProblemSource,
    ProblemState,
    ProblemTerm,
)
from shigan.problems.models import Measure, Problem, ProblemTransition
from shigan.problems.watch import light_for

__all__ = [
    "ProblemDraft",
    "MeasureDraft",
    "ProblemBulkRejected",
    "problem_bulk_create",
    "measure_bulk_add",
    "measure_bulk_complete",
    "progress_report_bulk_add",
    "closeout_bulk_submit",
    "closeout_bulk_record_accepted",
    "ProgressDraft",
    "CloseOutDraft",
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
    co_responsible: list = field(default_factory=list)
    start: bool = True  # whether the first measure starts the rectification


@dataclass
class MeasureDraft:
    problem: Problem
    text: str
    added_on: datetime.date
    owner: object = None
    deadline: datetime.date | None = None


@dataclass
class ProgressDraft:
    problem: Problem
    text: str
    percent: int
    reported_on: datetime.date


@dataclass
class CloseOutDraft:
    """`closeout_submit`'s arguments; `other_reason` explains every measure still unfinished
    that `finish` and `reasons` do not settle (see `services.check_unfinished`)."""

    problem: Problem
    summary: str
    submitted_on: datetime.date
    finish: list = field(default_factory=list)
    reasons: dict = field(default_factory=dict)
    other_reason: str = ""


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

    d.title = s._text(d.title, field="title", message=_lazy("问题不能为空。"), max_length=300)
    if d.source not in ProblemSource.values:
        raise s.ProblemError(_("问题来源无效。"), code="invalid_source", field="source")
    if d.term not in ProblemTerm.values:
        raise s.ProblemError(_("整改类型无效。"), code="invalid_term", field="term")
    checks.record(d.unit, _lazy("您没有在该单位登记问题的权限。"))
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
        m["text"] = s._text(m.get("text"), field="text", message=_lazy("整改措施不能为空。"))
        m["added_on"] = m.get("added_on") or d.found_on
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
    with_measure = [(pk, d) for pk, d in zip(ids, drafts, strict=True) if d.first_measure]
    started = [(pk, d) for pk, d in with_measure if d.start]
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    actor_id = _pk(actor)

    def rows():
        for pk, d in zip(ids, drafts, strict=True):
            state = ProblemState.IN_PROGRESS if d.first_measure and d.start else ProblemState.OPEN
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
    measure_ids = reserve_ids(Measure, len(with_measure))
    with metric_changes(Problem) as problems, metric_changes(Measure) as measures:
        # The rows are made before the COPY starts: their lights read the working-day calendar,
        # and a query on the connection while it streams a COPY waits for it forever.
        bulk_insert(Problem, columns, list(rows()))
        bulk_insert(
            ProblemTransition,
            ("id", "problem", "from_state", "to_state", "day", "at", "actor", "comment"),
            transitions,
        )
        firsts = [(pk, d.first_measure) for pk, d in with_measure]
        bulk_insert(Measure, _MEASURE_COLUMNS, _measure_rows(measure_ids, firsts, actor_id, now))
        _insert_co_responsible(zip(ids, drafts, strict=True))
        problems.created(ids)
        measures.created(measure_ids)
    _audit_created(actor, ids, drafts)
    _audit_measures(actor, measure_ids, firsts)
    _audit_started(actor, [(pk, d.first_measure["added_on"]) for pk, d in started])
    return ids


def _insert_co_responsible(pairs) -> None:
    through = Problem.co_responsible.through
    rows = [
        through(problem_id=pk, person_id=person.pk)
        for pk, d in pairs
        for person in dict.fromkeys(d.co_responsible)
    ]
    through.objects.bulk_create(rows, batch_size=2000)


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
                    "co_responsible": sorted(p.pk for p in d.co_responsible),
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
def measure_bulk_add(*, actor, drafts: Sequence[MeasureDraft], start: bool = True) -> list[int]:
    """Many `measure_add`s at once; an open problem starts (in_progress) on the day of its
    first measure in draft order (unless `start` is False). Returns the measures' ids in draft
    order."""
    from shigan.problems import services as s

    drafts = list(drafts)
    problem_ids = sorted({d.problem.pk for d in drafts})
    locked = {
        p.pk: p
        for p in Problem.objects.select_for_update(of=("self",))
        .select_related("unit", "carried_to")  # _refuse_closed reads the carry-over link
        .filter(pk__in=problem_ids)
        .order_by("pk")
    }
    checks = _Checks(actor)
    starts: dict[int, datetime.date] = {}

    def check(d: MeasureDraft) -> None:
        problem = locked[d.problem.pk]
        d.text = s._text(d.text, field="text", message=_lazy("整改措施不能为空。"))
        checks.record(problem.unit, _lazy("您没有为该问题登记整改措施的权限。"))
        s._refuse_closed(problem)
        if start and problem.state == ProblemState.OPEN:
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


def _lock_problems(drafts=(), ids=()) -> dict[int, Problem]:
    ids = sorted({d.problem.pk for d in drafts} | set(ids))
    # Only what the checks, the lights and the audit read: a ledger locks thousands at once.
    fields = ("unit__path", "unit__active", "unit__name", "campaign", "state", "title",
              "found_on", "term", "deadline", "next_checkpoint", "progress_percent", "light",
              "light_on")  # fmt: skip
    return {
        p.pk: p
        for p in Problem.objects.select_for_update(of=("self",))
        .select_related("unit", "carried_to")  # _refuse_closed reads the carry-over link
        .only(*fields, "carried_to__id")
        .filter(pk__in=ids)
        .order_by("pk")
    }


def _refresh_lights(problems, today=None) -> None:
    """Recompute the lights of problems changed in bulk (under their `metric_changes`)."""
    today = today or timezone.localdate()
    changed = []
    for problem in problems:
        light = light_for(problem, today)
        if light != problem.light:
            problem.light, problem.light_on = light, today
            changed.append(problem)
    _update_grouped(changed, ("light", "light_on"))


def _update_grouped(objects, fields: tuple[str, ...]) -> None:
    """Save `fields` of many records with one UPDATE per distinct set of values (a handful:
    lights, percents, days) rather than Django's bulk_update CASE over every row."""
    groups: dict[tuple, list] = {}
    for obj in objects:
        groups.setdefault(tuple(getattr(obj, f) for f in fields), []).append(obj.pk)
    model = type(objects[0]) if objects else None
    for values, ids in groups.items():
        for chunk in chunks(ids, 5000):
            model.objects.filter(pk__in=chunk).update(**dict(zip(fields, values, strict=True)))


def _bulk_transition(problems, *, actor, to: str, days: dict, comments: dict) -> None:
    """Move the (locked) problems to `to` with their transition rows and audit entries."""
    if not problems:
        return
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    ids = reserve_ids(ProblemTransition, len(problems))
    before = {p.pk: p.state for p in problems}
    bulk_insert(
        ProblemTransition,
        ("id", "problem", "from_state", "to_state", "day", "at", "actor", "comment"),
        (
            (tid, p.pk, p.state, to, _db_day(days[p.pk]), now, _pk(actor), comments[p.pk])
            for tid, p in zip(ids, problems, strict=True)
        ),
    )
    for problem in problems:
        problem.state = to
    Problem.objects.filter(pk__in=[p.pk for p in problems]).update(state=to)
    audit_record_many(
        actor=actor,
        action="problems.problem.state_changed",
        items=(
            AuditItem(
                "problems.problem",
                str(p.pk),
                p.title,
                {"state": before[p.pk]},
                {"state": to, "day": days[p.pk], "comment": comments[p.pk]},
            )
            for p in problems
        ),
    )


@transaction.atomic
def measure_bulk_complete(*, actor, measures: Sequence[tuple[Measure, datetime.date]]) -> int:
    """Many `measure_complete`s at once: (measure, done_on) pairs, checked as the single one
    checks them (all or nothing)."""
    from shigan.problems import services as s

    pairs = list(measures)
    if not pairs:
        return 0
    problem_ids = Measure.objects.filter(pk__in=[m.pk for m, _day in pairs]).values_list(
        "problem_id", flat=True
    )
    locked = _lock_problems(ids=set(problem_ids))
    current = {
        m.pk: m
        for m in Measure.objects.select_for_update(of=("self",)).filter(
            pk__in=[m.pk for m, _day in pairs]
        )
    }
    checks = _Checks(actor)
    checks.run(
        pairs,
        lambda pair: s.check_measure_complete(
            actor, locked[current[pair[0].pk].problem_id], current[pair[0].pk], pair[1]
        ),
    )
    done = [(current[m.pk], day) for m, day in pairs]
    with metric_changes(Measure, [m.pk for m, _day in done]):
        for measure, day in done:
            measure.state, measure.done_on = MeasureState.DONE, day
        _update_grouped([m for m, _d in done], ("state", "done_on"))
    audit_record_many(
        actor=actor,
        action="problems.measure.completed",
        items=(
            AuditItem(
                "problems.measure",
                str(m.pk),
                m.text[:60],
                {"state": MeasureState.PLANNED},
                {"state": MeasureState.DONE, "done_on": day},
            )
            for m, day in done
        ),
    )
    return len(done)


@transaction.atomic
def progress_report_bulk_add(*, actor, drafts: Sequence[ProgressDraft]) -> list[int]:
    """Many `progress_report_add`s (without files) at once, checked as the single one checks
    them; each problem takes its latest report's percent, starts if open, and gets its light."""
    from shigan.problems import services as s
    from shigan.problems.models import ProgressReport

    drafts = list(drafts)
    if not drafts:
        return []
    locked = _lock_problems(drafts)
    checks = _Checks(actor)

    def check(d: ProgressDraft) -> None:
        d.text, d.percent = s.clean_progress(d.text, d.percent)
        s.check_progress(actor, locked[d.problem.pk], d.reported_on)

    checks.run(drafts, check)
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    ids = reserve_ids(ProgressReport, len(drafts))
    with metric_changes(Problem, list(locked)):
        bulk_insert(
            ProgressReport,
            ("id", "problem", "text", "percent", "reported_on", "created_by", "created_at"),
            (
                (pk, d.problem.pk, d.text, d.percent, _db_day(d.reported_on), _pk(actor), now)
                for pk, d in zip(ids, drafts, strict=True)
            ),
        )
        latest = {}
        reports = ProgressReport.objects.filter(problem_id__in=list(locked)).order_by(
            "problem_id", "reported_on", "pk"
        )
        for problem_id, percent in reports.values_list("problem_id", "percent"):
            latest[problem_id] = percent
        for pk, problem in locked.items():
            problem.progress_percent = latest.get(pk, problem.progress_percent)
        _update_grouped(list(locked.values()), ("progress_percent",))
        first_day: dict[int, datetime.date] = {}
        for d in drafts:
            first_day.setdefault(d.problem.pk, d.reported_on)
        opened = [p for p in locked.values() if p.state == ProblemState.OPEN]
        why = _("报告整改进展")
        _bulk_transition(
            opened,
            actor=actor,
            to=ProblemState.IN_PROGRESS,
            days={p.pk: first_day[p.pk] for p in opened},
            comments={p.pk: why for p in opened},
        )
        _refresh_lights(locked.values())
    audit_record_many(
        actor=actor,
        action="problems.progress.reported",
        items=(
            AuditItem(
                "problems.progressreport",
                str(pk),
                d.text[:60],
                None,
                {"problem": d.problem.pk, "percent": d.percent, "reported_on": d.reported_on},
            )
            for pk, d in zip(ids, drafts, strict=True)
        ),
    )
    return ids


@transaction.atomic
def closeout_bulk_submit(
    *, actor, drafts: Sequence[CloseOutDraft], ledger=None, notify: bool = True
) -> list[int]:
    """Many `closeout_submit`s at once, checked as the single one checks them. `ledger` (a
    checked file: the imported ledger that claims the problems finished) is stored once and
    attached to every request as its evidence. Each reviewer gets ONE notice for all the
    requests that are theirs (not one per row); `notify=False` when they are decided at once."""
    from shigan.problems import services as s
    from shigan.problems.models import CloseOut, Evidence

    drafts = list(drafts)
    if not drafts:
        return []
    locked = _lock_problems(drafts)
    checks = _Checks(actor)
    measures: dict[int, list[Measure]] = {}
    unfinished = Measure.objects.filter(problem_id__in=list(locked)).exclude(
        state=MeasureState.DONE
    )
    for measure in unfinished.order_by("pk"):
        measures.setdefault(measure.problem_id, []).append(measure)
    settled: dict[int, tuple] = {}

    def check(d: CloseOutDraft) -> None:
        d.summary = s._text(d.summary, field="summary", message=_lazy("请填写整改完成情况。"))
        problem = locked[d.problem.pk]
        s.check_closeout(actor, problem, d.submitted_on, has_files=ledger is not None)
        to_finish, explained = s.check_unfinished(
            measures.get(problem.pk, []),
            finish=d.finish,
            reasons=d.reasons,
            other_reason=d.other_reason,
        )
        for measure in to_finish:
            s.check_measure_complete(actor, problem, measure, d.submitted_on)
        settled[problem.pk] = (to_finish, explained, d.submitted_on)

    checks.run(drafts, check)
    for to_finish, explained, day in settled.values():
        if to_finish or explained:
            s._settle_measures(actor, to_finish, explained, day)
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    ids = reserve_ids(CloseOut, len(drafts))
    problems = [locked[d.problem.pk] for d in drafts]
    with metric_changes(Problem, list(locked)):
        bulk_insert(
            CloseOut,
            ("id", "problem", "summary", "submitted_by", "submitted_on", "state", "reason",
             "created_at"),
            (
                (pk, d.problem.pk, d.summary, _pk(actor), _db_day(d.submitted_on),
                 CloseOutState.PENDING, "", now)
                for pk, d in zip(ids, drafts, strict=True)
            ),
        )  # fmt: skip
        _bulk_transition(
            problems,
            actor=actor,
            to=ProblemState.PENDING_REVIEW,
            days={d.problem.pk: d.submitted_on for d in drafts},
            comments={d.problem.pk: d.summary for d in drafts},
        )
        _refresh_lights(problems)
    audit_record_many(
        actor=actor,
        action="problems.closeout.submitted",
        items=(
            AuditItem(
                "problems.closeout",
                str(pk),
                locked[d.problem.pk].title,
                None,
                {"problem": d.problem.pk, "summary": d.summary, "submitted_on": d.submitted_on},
            )
            for pk, d in zip(ids, drafts, strict=True)
        ),
    )
    if ledger is not None:
        pairs = [(d.problem.pk, pk) for pk, d in zip(ids, drafts, strict=True)]
        _attach_shared(ledger, actor=actor, pairs=pairs, model=Evidence)
    if notify:
        s.notify_closeouts_submitted(problems)
    return ids


def _attach_shared(checked, *, actor, pairs, model) -> None:
    """Store one checked file once and attach it to many close-outs ((problem id, close-out
    id) pairs) as their evidence, each attachment audited."""
    from shigan.problems.storage import evidence_path, evidence_storage

    storage = evidence_storage()
    name = storage.save(evidence_path(None, f"evidence.{checked.extension}"), checked.file)
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    ids = reserve_ids(model, len(pairs))
    bulk_insert(
        model,
        ("id", "problem", "closeout", "file", "original_name", "content_type", "size", "sha256",
         "uploaded_by", "uploaded_at"),
        (
            (pk, problem_id, closeout_id, name, checked.name, checked.mime, checked.size,
             checked.sha256, _pk(actor), now)
            for pk, (problem_id, closeout_id) in zip(ids, pairs, strict=True)
        ),
    )  # fmt: skip
    audit_record_many(
        actor=actor,
        action="problems.evidence.added",
        items=(
            AuditItem(
                "problems.evidence",
                str(pk),
                checked.name,
                None,
                {
                    "problem": problem_id,
                    "closeout": closeout_id,
                    "name": checked.name,
                    "content_type": checked.mime,
                    "size": checked.size,
                    "sha256": checked.sha256,
                },
            )
            for pk, (problem_id, closeout_id) in zip(ids, pairs, strict=True)
        ),
    )


@transaction.atomic
def closeout_bulk_record_accepted(*, actor, drafts: Sequence[CloseOutDraft], ledger) -> list[int]:
    """Close-outs already decided offline, as a reviewer's own ledger records them ("按台账直接
    销号（已审核）"): each is submitted and accepted by `actor`, who must hold review rights
    over its problem; long-term problems are refused (each stage's next checkpoint is decided
    one by one). The ledger is the evidence; every step is audited as the single ones are."""
    from shigan.problems import services as s
    from shigan.problems.models import CloseOut
    from shigan.problems.permissions import can_review

    drafts = list(drafts)
    if not drafts:
        return []
    locked = _lock_problems(drafts)
    checks, reviews = _Checks(actor), {}
    not_reviewer = _lazy("您对该问题的单位没有审核权限，不能按台账直接销号。")
    long_term = _lazy("长期坚持的问题须逐件审核（确定下一检查节点），不能按台账直接销号。")

    def check(d: CloseOutDraft) -> None:
        problem = locked[d.problem.pk]
        if problem.unit_id not in reviews:
            reviews[problem.unit_id] = can_review(actor, problem)
        if not reviews[problem.unit_id]:
            raise s.ProblemError(not_reviewer, code="not_reviewer")
        if problem.term == ProblemTerm.LONG_TERM:
            raise s.ProblemError(long_term, code="long_term_needs_review", field="term")

    checks.run(drafts, check)
    ids = closeout_bulk_submit(actor=actor, drafts=drafts, ledger=ledger, notify=False)
    reason = _("按台账直接销号（已审核）")
    pending = _lock_problems(drafts)  # as the submission left them
    problems = [pending[d.problem.pk] for d in drafts]
    with metric_changes(Problem, list(pending)):
        for pk, d in zip(ids, drafts, strict=True):
            CloseOut.objects.filter(pk=pk).update(
                state=CloseOutState.ACCEPTED,
                decided_by=actor,
                decided_on=d.submitted_on,
                reason=reason,
            )
        _bulk_transition(
            problems,
            actor=actor,
            to=ProblemState.CLOSED,
            days={d.problem.pk: d.submitted_on for d in drafts},
            comments={d.problem.pk: reason for d in drafts},
        )
        _refresh_lights(problems)
    audit_record_many(
        actor=actor,
        action="problems.closeout.accepted",
        items=(
            AuditItem(
                "problems.closeout",
                str(pk),
                pending[d.problem.pk].title,
                {"state": CloseOutState.PENDING},
                {"state": CloseOutState.ACCEPTED, "decided_on": d.submitted_on, "reason": reason,
                 "problem_state": ProblemState.CLOSED, "next_checkpoint": None},
            )
            for pk, d in zip(ids, drafts, strict=True)
        ),
    )  # fmt: skip
    return ids
