"""Problems on the ledger: entered (one by one or in bulk), corrected, and set to a state by
the system."""

import datetime
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from shigan.audit.services import AuditItem, audit_record, audit_record_many
from shigan.campaigns.models import Campaign
from shigan.core.actors import is_system_actor, require_actor
from shigan.core.bulk import bulk_insert, reserve_ids
from shigan.core.edits import refuse_edited_elsewhere
from shigan.metrics.engine import metric_changes
from shigan.orgs.models import Unit
from shigan.orgs.permissions import user_can
from shigan.problems.choices import ProblemSource, ProblemState, ProblemTerm
from shigan.problems.errors import ErrorCode
from shigan.problems.models import Measure, Problem, ProblemTransition, SpecialProgram
from shigan.problems.services.base import (
    ProblemError,
    check_links,
    deadline_from,
    lock_problem,
    move_problem,
    not_before,
    problem_snapshot,
    refuse_closed,
    require_record,
    required_text,
)
from shigan.problems.services.bulk import BulkChecks, audit_started, db_day, pk_of
from shigan.problems.services.measures import (
    MEASURE_COLUMNS,
    audit_measures_added,
    measure_add,
    measure_rows,
)
from shigan.problems.watch import light_for, light_refresh


@transaction.atomic
def problem_create(
    *,
    actor,
    unit: Unit,
    title: str,
    source: str,
    found_on: datetime.date,
    campaign: Campaign | None = None,
    aspect=None,
    research_topic=None,
    description: str = "",
    responsible=None,
    term: str = ProblemTerm.TIME_BOUND,
    deadline: datetime.date | None = None,
    deadline_workdays: int | None = None,
    special_program: SpecialProgram | None = None,
    first_measure: dict | None = None,
    co_responsible: Sequence = (),
    start: bool = True,
) -> Problem:
    """Enter a problem on the ledger; with `first_measure` ({"text", "owner", "deadline"}) its
    first measure too, which starts the rectification (in_progress) unless `start` is False
    (a ledger's planned measures of a problem not yet started)."""
    title = required_text(title, field="title", message=_lazy("问题不能为空。"), max_length=300)
    check_source_and_term(source, term)
    if not user_can(actor, "record", unit):
        raise ProblemError(_("您没有在该单位登记问题的权限。"), code=ErrorCode.FORBIDDEN)
    links = {
        "campaign": campaign,
        "aspect": aspect,
        "research_topic": research_topic,
        "special_program": special_program,
    }
    check_links(unit=unit, **links)
    problem = Problem(
        unit=unit,
        **links,
        title=title,
        description=(description or "").strip(),
        responsible=responsible,
        source=source,
        found_on=found_on,
        term=term,
        deadline=deadline_from(found_on, deadline, deadline_workdays),
        deadline_workdays=deadline_workdays,
    )
    _insert_problem(problem, actor=actor, co_responsible=co_responsible)
    if first_measure:
        _add_first_measure(problem, actor=actor, measure=first_measure, start=start)
        problem.refresh_from_db()
    return problem


def check_source_and_term(source: str, term: str) -> None:
    if source not in ProblemSource.values:
        raise ProblemError(_("问题来源无效。"), code=ErrorCode.INVALID_SOURCE, field="source")
    if term not in ProblemTerm.values:
        raise ProblemError(_("整改类型无效。"), code=ErrorCode.INVALID_TERM, field="term")


def _insert_problem(problem: Problem, *, actor, co_responsible: Sequence) -> None:
    """Save the new problem, open, with its first transition and its audit entry."""
    # The light as of today, set before the insert (an import enters thousands of rows).
    problem.light, problem.light_on = light_for(problem, timezone.localdate()), timezone.localdate()
    with metric_changes(Problem) as changes:
        problem.save(force_insert=True)
        ProblemTransition.objects.create(
            problem=problem, to_state=ProblemState.OPEN, day=problem.found_on, actor=actor
        )
        changes.created([problem.pk])
    if co_responsible:
        problem.co_responsible.set(co_responsible)
    audit_record(
        actor=actor,
        action="problems.problem.created",
        target=problem,
        after=problem_snapshot(problem),
    )


def _add_first_measure(problem: Problem, *, actor, measure: dict, start: bool) -> None:
    measure_add(
        actor=actor,
        problem=problem,
        text=measure.get("text", ""),
        added_on=measure.get("added_on") or problem.found_on,
        owner=measure.get("owner"),
        deadline=measure.get("deadline"),
        start=start,
    )


# Fields `problem_update` may change. The deadline is not among them: it moves only by an
# approved extension (extension_request / extension_decide), so its history is kept.
_UPDATABLE = (
    "title",
    "description",
    "aspect",
    "source",
    "responsible",
    "term",
    "special_program",
    "next_checkpoint",
)


@transaction.atomic
def problem_update(*, actor, problem: Problem, seen=None, **changes) -> Problem:
    """Correct a problem's particulars: any of title, description, aspect, source, responsible,
    term, special_program, next_checkpoint. `seen`: as in core.edits."""
    unknown = set(changes) - set(_UPDATABLE)
    if unknown:
        field = sorted(unknown)[0]
        if field in ("deadline", "deadline_workdays"):
            raise ProblemError(
                _("整改时限须通过延期申请调整，由上级审批。"),
                code=ErrorCode.DEADLINE_NEEDS_EXTENSION,
                field="deadline",
            )
        raise ProblemError(_("不能修改该项。"), code=ErrorCode.NOT_UPDATABLE, field=field)
    problem = lock_problem(problem)
    require_record(actor, problem, _lazy("您没有修改该问题的权限。"))
    refuse_closed(problem)
    refuse_edited_elsewhere(problem, seen)
    before = problem_snapshot(problem)
    if "title" in changes:
        changes["title"] = required_text(
            changes["title"], field="title", message=_lazy("问题不能为空。"), max_length=300
        )
    if "description" in changes:
        changes["description"] = (changes["description"] or "").strip()
    if "source" in changes and changes["source"] not in ProblemSource.values:
        raise ProblemError(_("问题来源无效。"), code=ErrorCode.INVALID_SOURCE, field="source")
    if "term" in changes and changes["term"] not in ProblemTerm.values:
        raise ProblemError(_("整改类型无效。"), code=ErrorCode.INVALID_TERM, field="term")
    check_links(
        unit=problem.unit,
        campaign=problem.campaign,
        aspect=changes.get("aspect", problem.aspect),
        research_topic=problem.research_topic,
        special_program=changes.get("special_program", problem.special_program),
    )
    not_before(
        changes.get("next_checkpoint"),
        problem.found_on,
        field="next_checkpoint",
        message=_lazy("下一检查节点不能早于发现日期。"),
    )
    with metric_changes(Problem, [problem.pk]):
        for name, value in changes.items():
            setattr(problem, name, value)
        problem.save(update_fields=list(changes) or ["title"])
        light_refresh(problem)
    audit_record(
        actor=actor,
        action="problems.problem.updated",
        target=problem,
        before=before,
        after=problem_snapshot(problem),
    )
    return problem


@transaction.atomic
def problem_set_state(
    *, actor, problem: Problem, state: str, day: datetime.date | None = None, comment: str = ""
) -> Problem:
    """Low-level state change without the lifecycle's checks, for the system itself (demo
    loader, metric tests). People go through the lifecycle services; a user is refused."""
    require_actor(actor)
    if not is_system_actor(actor):
        raise ProblemError(
            _("问题状态须通过整改、销号申请和审核改变。"),
            code=ErrorCode.USE_LIFECYCLE,
            field="state",
        )
    problem = lock_problem(problem)
    if state not in ProblemState.values:
        raise ProblemError(_("状态无效。"), code=ErrorCode.INVALID_STATE, field="state")
    if state == problem.state:
        raise ProblemError(_("问题已是该状态。"), code=ErrorCode.SAME_STATE, field="state")
    day = day or timezone.localdate()
    with metric_changes(Problem, [problem.pk]):
        move_problem(problem, actor=actor, to=state, day=day, comment=comment)
        light_refresh(problem, today=day)
    return problem


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


def _check_problem(d: ProblemDraft, checks: BulkChecks) -> None:
    d.title = required_text(d.title, field="title", message=_lazy("问题不能为空。"), max_length=300)
    check_source_and_term(d.source, d.term)
    checks.record(d.unit, _lazy("您没有在该单位登记问题的权限。"))
    check_links(
        unit=d.unit,
        campaign=d.campaign,
        aspect=d.aspect,
        research_topic=d.research_topic,
        special_program=d.special_program,
    )
    d.deadline = deadline_from(d.found_on, d.deadline, d.deadline_workdays)
    d.description = (d.description or "").strip()
    if d.first_measure:
        m = dict(d.first_measure)
        m["text"] = required_text(m.get("text"), field="text", message=_lazy("整改措施不能为空。"))
        m["added_on"] = m.get("added_on") or d.found_on
        d.first_measure = m


@transaction.atomic
def problem_bulk_create(*, actor, drafts: Sequence[ProblemDraft]) -> list[int]:
    """Many `problem_create`s at once; returns the new problems' ids in draft order."""
    drafts = list(drafts)
    checks = BulkChecks(actor)
    checks.run(drafts, lambda d: _check_problem(d, checks))
    if not drafts:
        return []
    today = timezone.localdate()
    ids = reserve_ids(Problem, len(drafts))
    with_measure = [(pk, d) for pk, d in zip(ids, drafts, strict=True) if d.first_measure]
    started = [(pk, d) for pk, d in with_measure if d.start]
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    actor_id = pk_of(actor)
    transitions = _creation_transitions(ids, drafts, started, actor_id=actor_id, now=now)
    measure_ids = reserve_ids(Measure, len(with_measure))
    with metric_changes(Problem) as problems, metric_changes(Measure) as measures:
        # The rows are made before the COPY starts: their lights read the working-day calendar,
        # and a query on the connection while it streams a COPY waits for it forever.
        bulk_insert(Problem, _PROBLEM_COLUMNS, list(_problem_rows(ids, drafts, today, now)))
        bulk_insert(
            ProblemTransition,
            ("id", "problem", "from_state", "to_state", "day", "at", "actor", "comment"),
            transitions,
        )
        firsts = [(pk, d.first_measure) for pk, d in with_measure]
        bulk_insert(Measure, MEASURE_COLUMNS, measure_rows(measure_ids, firsts, actor_id, now))
        _insert_co_responsible(zip(ids, drafts, strict=True))
        problems.created(ids)
        measures.created(measure_ids)
    _audit_created(actor, ids, drafts)
    audit_measures_added(actor, measure_ids, firsts)
    audit_started(
        actor, [(pk, d.first_measure["added_on"]) for pk, d in started if d.first_measure]
    )
    return ids


_PROBLEM_COLUMNS = (
    "id", "unit", "campaign", "aspect", "research_topic", "special_program", "source",
    "title", "description", "responsible", "found_on", "term", "deadline",
    "deadline_workdays", "state", "progress_percent", "light", "light_on", "created_at",
)  # fmt: skip


def _problem_rows(ids, drafts, today: datetime.date, now):
    for pk, d in zip(ids, drafts, strict=True):
        state = ProblemState.IN_PROGRESS if d.first_measure and d.start else ProblemState.OPEN
        draft = Problem(state=state, found_on=d.found_on, term=d.term, deadline=d.deadline)
        light = light_for(draft, today)
        yield (
            pk, d.unit.pk, pk_of(d.campaign), pk_of(d.aspect), pk_of(d.research_topic),
            pk_of(d.special_program), d.source, d.title, d.description, pk_of(d.responsible),
            db_day(d.found_on), d.term, db_day(d.deadline), d.deadline_workdays, state,
            0, light, db_day(today), now,
        )  # fmt: skip


def _creation_transitions(ids, drafts, started, *, actor_id, now) -> list[tuple]:
    """Each new problem's "open" row, then the "in_progress" rows of those its first measure
    started: transition ids in this order keep each problem's "open" row before the other."""
    transition_ids = iter(reserve_ids(ProblemTransition, len(drafts) + len(started)))
    transitions = [
        (next(transition_ids), pk, "", ProblemState.OPEN, db_day(d.found_on), now, actor_id, "")
        for pk, d in zip(ids, drafts, strict=True)
    ]
    transitions += [
        (next(transition_ids), pk, ProblemState.OPEN, ProblemState.IN_PROGRESS,
         db_day(d.first_measure["added_on"]), now, actor_id, _("登记整改措施"))
        for pk, d in started
    ]  # fmt: skip
    return transitions


def _insert_co_responsible(pairs) -> None:
    through = Problem.co_responsible.through
    rows = [
        through(problem_id=pk, person_id=person.pk)
        for pk, d in pairs
        for person in dict.fromkeys(d.co_responsible)
    ]
    through.objects.bulk_create(rows, batch_size=2000)


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
                    "campaign": pk_of(d.campaign),
                    "aspect": pk_of(d.aspect),
                    "research_topic": pk_of(d.research_topic),
                    "special_program": pk_of(d.special_program),
                    "source": d.source,
                    "title": d.title,
                    "description": d.description,
                    "responsible": pk_of(d.responsible),
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
