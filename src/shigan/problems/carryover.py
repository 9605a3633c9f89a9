"""Carrying problems over into the campaign that follows (问题转入下一次主题教育).

A long-term (长期坚持) or unfinished problem does not vanish when its campaign ends. The office
of the next campaign carries chosen ones over. The choice made here is a **linked copy**, not
a move:

- The figures are facts dated by the records' own days and filed under the record's *current*
  campaign (`metrics.engine.metric_changes`): moving a problem to another campaign would
  re-file its whole history, so the old campaign would lose it at every earlier date and the
  new one would count it from the day it was first found.
- So the carried problem is a new row of the new campaign, linked to the original
  (`Problem.carried_from`, `carried_on`), entering the new campaign's ledger on the carry-over
  day with the original's state, progress, deadline (or a new one), responsible leaders and
  unfinished measures (each linked to the measure it continues). Its light is computed as of
  that day. The new campaign counts it, and its measures, from that day only.
- The original stays in its campaign **as it stood on the carry-over day**: same state, same
  light, same measures; its page links to where it went and the services refuse further
  writes on it (`services.base.refuse_closed`), and the daily light watch leaves it alone. The
  old campaign's figures therefore do not change at any date, before or after the
  carry-over: carrying over writes no fact of the old campaign. The old campaign does not
  claim the problem was solved there (it was not); the new campaign carries it on.
- The history is kept by the link: the carried problem's page shows the original's
  transitions, measures, progress and evidence (`problem_lineage`), back through every
  campaign it went through.
"""

import datetime
from collections.abc import Iterable

from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from shigan.audit.services import audit_record
from shigan.campaigns.models import Aspect, Campaign
from shigan.metrics.engine import metric_changes
from shigan.orgs.models import Unit
from shigan.orgs.permissions import user_can
from shigan.orgs.scoping import subtree_q
from shigan.problems.choices import ExtensionState, MeasureState, ProblemState, ProblemTerm
from shigan.problems.errors import ErrorCode
from shigan.problems.models import Measure, Problem, ProblemTransition
from shigan.problems.services import ProblemError
from shigan.problems.watch import light_for

__all__ = [
    "CARRIED_STATES",
    "carry_over_candidates",
    "check_carry_over",
    "problem_carry_over",
    "problems_carry_over",
    "problem_lineage",
]

# Unfinished problems carry over in their state; a closed long-term problem carries over to
# be kept up (in_progress). A problem waiting for its close-out decision does not: decide first.
CARRIED_STATES = (ProblemState.OPEN, ProblemState.IN_PROGRESS, ProblemState.REOPENED)
_CARRYABLE = Q(state__in=CARRIED_STATES) | Q(term=ProblemTerm.LONG_TERM, state=ProblemState.CLOSED)


def carry_over_candidates(
    *, user, campaign: Campaign, source: Campaign, unit: Unit | None = None
) -> QuerySet[Problem]:
    """The problems of `source` that may be carried into `campaign`: unfinished or long-term,
    not carried yet, of units in `unit`'s subtree (default: the new campaign's root) that the
    user sees."""
    unit = unit or campaign.root_unit
    return (
        Problem.objects.restrict(user, "view")
        .filter(campaign=source, carried_to__isnull=True)
        .filter(_CARRYABLE)
        .filter(subtree_q([unit.path], "unit__path"))
        .filter(subtree_q([campaign.root_unit.path], "unit__path"))
        .exclude(extensions__state=ExtensionState.PENDING)
        .select_related("unit", "aspect")
        .order_by("unit__path", "pk")
    )


def _error(message: str, code: ErrorCode, field: str | None = None) -> ProblemError:
    return ProblemError(message, code=code, field=field)


def check_carry_over(
    *, actor, problem: Problem, campaign: Campaign, day: datetime.date, deadline=None
) -> None:
    """Every rule of a carry-over, shared by the single and the bulk service."""
    if not user_can(actor, "change", campaign.root_unit):
        raise _error(_("只有活动办管理员可以转入问题。"), ErrorCode.FORBIDDEN)
    source = problem.campaign
    if source is None or source.pk == campaign.pk or source.starts_on >= campaign.starts_on:
        raise _error(_("只能从更早的主题教育转入问题。"), ErrorCode.BAD_CAMPAIGN, "campaign")
    if not problem.unit.path.startswith(campaign.root_unit.path):
        raise _error(_("该单位不在这次主题教育的范围内。"), ErrorCode.UNIT_OUTSIDE_CAMPAIGN)
    if Problem.objects.filter(carried_from=problem.pk).exists():
        raise _error(_("“%(p)s”已经转入过。") % {"p": problem.title}, ErrorCode.ALREADY_CARRIED)
    if problem.state == ProblemState.PENDING_REVIEW:
        raise _error(
            _("“%(p)s”正在等待销号审核，请先审核。") % {"p": problem.title},
            ErrorCode.PENDING_REVIEW,
        )
    if problem.state == ProblemState.CLOSED and problem.term != ProblemTerm.LONG_TERM:
        raise _error(_("“%(p)s”已销号，无需转入。") % {"p": problem.title}, ErrorCode.CLOSED)
    if problem.extensions.filter(state=ExtensionState.PENDING).exists():
        raise _error(
            _("“%(p)s”有待审批的延期申请，请先审批。") % {"p": problem.title},
            ErrorCode.PENDING_EXTENSION,
        )
    if day < campaign.starts_on:
        raise _error(_("转入日期不能早于这次主题教育的开始日期。"), ErrorCode.DAY_TOO_EARLY, "day")
    last = problem.transitions.order_by("-day").values_list("day", flat=True).first()
    if last is not None and day < last:
        raise _error(
            _("转入日期不能早于原问题最近一次状态变更的日期。"), ErrorCode.DAY_TOO_EARLY, "day"
        )
    if deadline is not None and deadline < day:
        raise _error(_("新的整改时限不能早于转入日期。"), ErrorCode.DEADLINE_TOO_EARLY, "deadline")


def _aspect_in(campaign: Campaign, aspect: Aspect | None) -> Aspect | None:
    """The new campaign's aspect of the same kind and name (copied or set anew), if any."""
    if aspect is None:
        return None
    return Aspect.objects.filter(campaign=campaign, kind=aspect.kind, name=aspect.name).first()


def _copy(original: Problem, *, campaign: Campaign, day, deadline, actor) -> Problem:
    source = original.campaign
    assert source is not None  # check_carry_over refused a problem of no campaign
    long_term = original.term == ProblemTerm.LONG_TERM
    state = ProblemState.IN_PROGRESS if original.state == ProblemState.CLOSED else original.state
    carried = Problem(
        unit=original.unit,
        campaign=campaign,
        aspect=_aspect_in(campaign, original.aspect),
        source=original.source,
        title=original.title,
        description=original.description,
        responsible=original.responsible,
        found_on=original.found_on,
        term=original.term,
        deadline=deadline if deadline and not long_term else original.deadline,
        deadline_workdays=None if deadline and not long_term else original.deadline_workdays,
        next_checkpoint=deadline if deadline and long_term else original.next_checkpoint,
        state=state,
        progress_percent=original.progress_percent,
        carried_from=original,
        carried_on=day,
    )
    carried.light, carried.light_on = light_for(carried, day), day
    carried.save(force_insert=True)
    ProblemTransition.objects.create(
        problem=carried,
        from_state="",
        to_state=state,
        day=day,
        actor=actor,
        comment=_("由“%(c)s”转入") % {"c": source.name},
    )
    carried.co_responsible.set(original.co_responsible.all())
    return carried


def _copy_measures(original: Problem, carried: Problem, *, day, actor) -> list[Measure]:
    """The unfinished measures go on; finished ones stay in the original's history."""
    return [
        Measure.objects.create(
            problem=carried,
            text=m.text,
            owner=m.owner,
            deadline=m.deadline,
            state=MeasureState.PLANNED,
            added_on=day,
            carried_from=m,
            created_by=actor,
        )
        for m in original.measures.filter(state=MeasureState.PLANNED).order_by("added_on", "pk")
    ]


@transaction.atomic
def problems_carry_over(
    *,
    actor,
    problems: Iterable[Problem],
    campaign: Campaign,
    day: datetime.date,
    deadline: datetime.date | None = None,
) -> list[Problem]:
    """Carry the problems into `campaign` on `day` (all or none); returns the new problems in
    the order given. `deadline`, if given, is the new deadline (a long-term problem's next
    checkpoint) of every one of them; otherwise each keeps its own."""
    ids = [p.pk for p in problems]
    if not ids:
        raise _error(_("请至少选择一个问题。"), ErrorCode.NOTHING_CHOSEN, "problems")
    locked = (
        Problem.objects.select_for_update(of=("self",))
        .select_related("unit", "campaign", "aspect")
        .in_bulk(ids)
    )
    originals = [locked[pk] for pk in dict.fromkeys(ids)]
    for original in originals:
        check_carry_over(
            actor=actor, problem=original, campaign=campaign, day=day, deadline=deadline
        )
    carried = []
    with metric_changes(Problem) as changes, metric_changes(Measure) as measure_changes:
        for original in originals:
            new = _copy(original, campaign=campaign, day=day, deadline=deadline, actor=actor)
            measures = _copy_measures(original, new, day=day, actor=actor)
            changes.created([new.pk])
            measure_changes.created([m.pk for m in measures])
            carried.append(new)
            audit_record(
                actor=actor,
                action="problems.problem.carried_over",
                target=new,
                before={"problem": original.pk, "campaign": original.campaign_id},
                after={
                    "campaign": campaign.pk,
                    "day": day,
                    "state": new.state,
                    "deadline": new.deadline,
                    "measures": [m.pk for m in measures],
                },
            )
    return carried


def problem_carry_over(
    *, actor, problem: Problem, campaign: Campaign, day: datetime.date, deadline=None
) -> Problem:
    """Carry one problem over (the bulk service with one problem)."""
    return problems_carry_over(
        actor=actor, problems=[problem], campaign=campaign, day=day, deadline=deadline
    )[0]


def problem_lineage(*, user, problem: Problem) -> list[Problem]:
    """The problem through the campaigns it went through, earliest first: the originals it was
    carried from and the problems it was carried to, those the user may see."""
    chain, current = [problem], problem
    while current.carried_from_id:
        current = Problem.objects.select_related("campaign").get(pk=current.carried_from_id)
        chain.insert(0, current)
    current = problem
    while (after := Problem.objects.filter(carried_from=current.pk).first()) is not None:
        chain.append(after)
        current = after
    visible = set(
        Problem.objects.restrict(user, "view")
        .filter(pk__in=[p.pk for p in chain])
        .values_list("pk", flat=True)
    )
    return [p for p in chain if p.pk in visible]
