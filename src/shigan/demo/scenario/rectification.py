"""Stages 6–8 and 10: problems and their rectification.

- 1,667 problems found by the research of batch-1 units, with 1,959 measures (rows 12–13);
- the region's own 34 problems in 5 aspects (row 16); 1,365 self-inspection problems of batch-1
  units in 6 aspects (row 17), of which 72 closed through the real lifecycle — measures done,
  progress with evidence, close-out, accepted by the guidance group above — by 2023-06-07
  (row 18), with 400 measures (row 19); others waiting for review, sent back, in progress, or
  past their deadline;
- 9 special programs (row 20) and the rules drafted or issued (建章立制);
- finally the traffic lights as of 2023-06-07.
"""

import datetime
from collections import defaultdict

from django.core.files.base import ContentFile

from shigan.demo.scenario import names
from shigan.demo.scenario.context import START, BatchUnit, Context, split
from shigan.problems import services as problems
from shigan.problems.choices import ProblemSource, ProblemTerm
from shigan.problems.models import Measure, Problem
from shigan.research.models import ResearchTopic

__all__ = [
    "TARGETS",
    "build_research_problems",
    "build_self_inspection",
    "build_programs_and_rules",
    "build_lights",
]

TARGETS = {
    "research_problems": 1667,  # row 12
    "research_measures": 1959,  # row 13
    "root_problems": 34,  # row 16
    "self_inspection_problems": 1365,  # row 17
    "self_inspection_closed": 72,  # row 18
    "self_inspection_measures": 400,  # row 19
}
D = datetime.date
PENDING, SENT_BACK, REJECTED_THEN_CLOSED = 24, 6, 7


class _Spec:
    """One problem to enter, as problem_create's keyword arguments, and what happens next."""

    batch_unit: BatchUnit  # set on the batch units' own problems

    def __init__(self, actor, **kwargs):
        self.actor, self.kwargs = actor, kwargs
        self.problem = None
        self.fate = "open"  # closed, pending, sent_back, rejected_then_closed, progress
        self.measures = 0  # measures beyond the first


def _create(specs: list[_Spec]) -> None:
    """Enter the problems: in one bulk call per actor where problems offers one, else one by
    one through problem_create."""
    bulk = getattr(problems, "problem_bulk_create", None)
    draft_class = getattr(problems, "ProblemDraft", None)
    if bulk is not None and draft_class is not None:
        by_actor = defaultdict(list)
        for spec in specs:
            by_actor[spec.actor].append(spec)
        for actor, group in by_actor.items():
            ids = bulk(actor=actor, drafts=[draft_class(**s.kwargs) for s in group])
            found = Problem.objects.in_bulk(ids)
            for spec, pk in zip(group, ids, strict=True):
                spec.problem = found[pk]
        return
    for spec in specs:
        spec.problem = problems.problem_create(actor=spec.actor, **spec.kwargs)


# A further measure: (spec, text, added_on, owner, deadline).
_MeasureItem = tuple[_Spec, str, datetime.date, object, datetime.date | None]


def _add_measures(ctx: Context, items: list[_MeasureItem]):
    """Further measures (spec, text, added_on, owner, deadline): in bulk where offered."""
    bulk = getattr(problems, "measure_bulk_add", None)
    draft_class = getattr(problems, "MeasureDraft", None)
    if bulk is not None and draft_class is not None:
        by_actor = defaultdict(list)
        for item in items:
            by_actor[item[0].actor].append(item)
        for actor, group in by_actor.items():
            drafts = [
                draft_class(problem=s.problem, text=t, added_on=a, owner=o, deadline=d)
                for s, t, a, o, d in group
            ]
            bulk(actor=actor, drafts=drafts)
        return
    for spec, text, added_on, owner, deadline in items:
        problems.measure_add(
            actor=spec.actor,
            problem=spec.problem,
            text=text,
            added_on=added_on,
            owner=owner,
            deadline=deadline,
        )


def _deadline(ctx: Context, found_on: datetime.date, overdue_share: float):
    """A time-bound deadline: mostly from late June to the end of the year, some already past."""
    rng = ctx.rng
    if rng.random() < overdue_share:
        return ctx.after(found_on, 3, 12) if found_on < D(2023, 5, 25) else D(2023, 6, 30)
    return rng.choice(
        (
            D(2023, 6, 30),
            D(2023, 7, 31),
            D(2023, 8, 31),
            D(2023, 9, 28),
            D(2023, 10, 31),
            D(2023, 11, 30),
            D(2023, 12, 29),
        )
    )


def _subject(title: str) -> str:
    subject = title.removeprefix("关于").rsplit("的", 1)[0]
    for verb in names.TOPIC_VERBS:
        if subject.startswith(verb):
            return subject[len(verb) :]
    return subject


# -- problems found by research --------------------------------------------------------------


def build_research_problems(ctx: Context) -> dict:
    rng = ctx.rng
    topics = [(unit_id, t) for unit_id, ts in ctx.topics_by_unit.items() for t in ts]
    counts = split(TARGETS["research_problems"], [t[1][4] for t in topics], rng, 0)
    specs = []
    for (unit_id, (pk, first_trip, lead, title, _trips)), n in zip(topics, counts, strict=True):
        unit = ctx.by_unit[unit_id].unit
        topic = ResearchTopic(pk=pk, unit=unit, campaign=ctx.campaign)
        subject = _subject(title)
        for template in rng.sample(names.RESEARCH_PROBLEMS, min(n, len(names.RESEARCH_PROBLEMS))):
            found_on = ctx.workday(first_trip, ctx.after(first_trip, 3, 15))
            term = rng.choices(ProblemTerm.values, (0.1, 0.8, 0.1))[0]
            deadline = _deadline(ctx, found_on, 0.08) if term == ProblemTerm.TIME_BOUND else None
            workdays = rng.randint(10, 20) if term == ProblemTerm.IMMEDIATE else None
            measure = rng.choice(names.MEASURE_TEXTS)
            specs.append(
                _Spec(
                    ctx.actor_for(unit),
                    unit=unit,
                    title=template.format(s=subject),
                    source=ProblemSource.RESEARCH,
                    found_on=found_on,
                    campaign=ctx.campaign,
                    research_topic=topic,
                    description=f"在“{title}”调研中发现。",
                    responsible=lead,
                    term=term,
                    deadline=deadline,
                    deadline_workdays=workdays,
                    first_measure={
                        "text": measure,
                        "owner": lead,
                        "deadline": deadline,
                        "added_on": found_on,
                    },
                )
            )
    if len(specs) != TARGETS["research_problems"]:
        raise RuntimeError(f"research problems: {len(specs)}")  # a topic got > 10 problems
    _create(specs)
    extra = TARGETS["research_measures"] - len(specs)
    items: list[_MeasureItem] = []
    for spec in rng.sample(specs, extra):
        added_on = ctx.workday(spec.kwargs["found_on"])
        owner = spec.kwargs["responsible"]
        items.append((spec, rng.choice(names.MEASURE_TEXTS), added_on, owner, None))
    _add_measures(ctx, items)
    _research_progress(ctx, specs)
    return {"research_problems": len(specs), "research_measures": len(specs) + extra}


def _research_progress(ctx: Context, specs: list[_Spec]) -> None:
    rng = ctx.rng
    for spec in rng.sample(specs, 90):
        day = ctx.workday(spec.kwargs["found_on"])
        problems.progress_report_add(
            actor=spec.actor,
            problem=spec.problem,
            text="已制定整改方案，正在按计划推进。",
            percent=rng.choice((20, 30, 40, 50, 60)),
            reported_on=day,
        )


# -- self-inspection -------------------------------------------------------------------------


def _root_specs(ctx: Context) -> list[_Spec]:
    rng, specs = ctx.rng, []
    for aspect, titles in zip(ctx.root_problem_aspects, names.ROOT_PROBLEMS, strict=True):
        for title in titles:
            found_on = ctx.workday(D(2023, 5, 15), D(2023, 5, 31))
            term = rng.choices((ProblemTerm.TIME_BOUND, ProblemTerm.LONG_TERM), (0.75, 0.25))[0]
            lead = rng.choice(ctx.provincial[:20])
            specs.append(
                _Spec(
                    ctx.office,
                    unit=ctx.root,
                    title=title,
                    source=ProblemSource.SELF_INSPECTION,
                    found_on=found_on,
                    campaign=ctx.campaign,
                    aspect=aspect,
                    description="自治区党委常委会班子对照检视、梳理形成的具体问题。",
                    responsible=lead,
                    term=term,
                    deadline=rng.choice((D(2023, 9, 28), D(2023, 12, 29)))
                    if term == ProblemTerm.TIME_BOUND
                    else None,
                    first_measure={
                        "text": rng.choice(names.MEASURE_TEXTS),
                        "owner": lead,
                        "added_on": found_on,
                    },
                )
            )
    return specs


def _batch_specs(ctx: Context) -> list[_Spec]:
    rng, specs = ctx.rng, []
    weights = [2.0 if b.category == "prefecture" else 1.0 for b in ctx.units]
    counts = split(TARGETS["self_inspection_problems"], weights, rng, 4)
    for b, n in zip(ctx.units, counts, strict=True):
        pool = [
            (a, t)
            for a, ts in zip(ctx.problem_aspects, names.SELF_PROBLEMS, strict=True)
            for t in ts
        ]
        for aspect, title in rng.sample(pool, n):
            specs.append(_self_spec(ctx, b, aspect, title))
    return specs


def _self_spec(ctx: Context, b: BatchUnit, aspect, title: str) -> _Spec:
    rng = ctx.rng
    found_on = ctx.workday(D(2023, 5, 8), D(2023, 6, 6))
    term = rng.choices(ProblemTerm.values, (0.14, 0.76, 0.1))[0]
    lead = ctx.people[rng.choice(b.core).pk]
    spec = _Spec(
        ctx.actor_for(b.unit),
        unit=b.unit,
        title=title,
        source=ProblemSource.SELF_INSPECTION,
        found_on=found_on,
        campaign=ctx.campaign,
        aspect=aspect,
        description=f"{b.unit.name}领导班子检视查摆的问题。",
        responsible=lead,
        term=term,
        deadline=_deadline(ctx, found_on, 0.07) if term == ProblemTerm.TIME_BOUND else None,
        deadline_workdays=rng.randint(5, 15) if term == ProblemTerm.IMMEDIATE else None,
    )
    spec.batch_unit = b
    return spec


def _plan_fates(ctx: Context, specs: list[_Spec]) -> None:
    """Who gets closed, waits for review, is sent back; and the 400 measures among them."""
    rng = ctx.rng
    # Closed by 2023-06-07: found early enough, and not long-term (those close by stages).
    early = [
        s
        for s in specs
        if s.kwargs["found_on"] <= D(2023, 5, 26) and s.kwargs["term"] != ProblemTerm.LONG_TERM
    ]
    early.sort(key=lambda s: (s.kwargs["term"] != ProblemTerm.IMMEDIATE, rng.random()))
    closing = TARGETS["self_inspection_closed"]
    chosen = early[: closing + PENDING + SENT_BACK]
    rng.shuffle(chosen)
    fates = ["closed"] * (closing - REJECTED_THEN_CLOSED)
    fates += ["rejected_then_closed"] * REJECTED_THEN_CLOSED
    fates += ["pending"] * PENDING + ["sent_back"] * SENT_BACK
    for spec, fate in zip(chosen, fates, strict=True):
        spec.fate = fate
        spec.measures = rng.choice((0, 1, 1, 2))
    budget = TARGETS["self_inspection_measures"] - sum(1 + s.measures for s in chosen)
    others = [s for s in specs if s.fate == "open"]
    for spec in rng.sample(others, budget):
        spec.fate = "progress"
    for spec in specs:
        if spec.fate != "open":
            lead = spec.kwargs["responsible"]
            spec.kwargs["first_measure"] = {
                "text": rng.choice(names.SELF_MEASURES),
                "owner": lead,
                "added_on": spec.kwargs["found_on"],
                "deadline": spec.kwargs.get("deadline"),
            }


def build_self_inspection(ctx: Context) -> dict:
    root = _root_specs(ctx)
    batch = _batch_specs(ctx)
    _plan_fates(ctx, batch)
    _programs_for(ctx, batch)
    _create(root + batch)
    ctx.root_problems = [s.problem for s in root]
    ctx.self_problems = [s.problem for s in batch]
    extra: list[_MeasureItem] = []
    for spec in root + batch:
        for _i in range(spec.measures):
            added_on = ctx.after(spec.kwargs["found_on"], 0, 2)
            extra.append(
                (
                    spec,
                    ctx.rng.choice(names.SELF_MEASURES),
                    added_on,
                    spec.kwargs["responsible"],
                    spec.kwargs.get("deadline"),
                )
            )
    _add_measures(ctx, extra)
    _lifecycles(ctx, batch)
    _extensions(ctx, batch)
    return {
        "root_problems": len(root),
        "self_inspection_problems": len(batch),
        "self_inspection_closed": sum(s.fate in ("closed", "rejected_then_closed") for s in batch),
    }


# -- the close-out lifecycle -----------------------------------------------------------------


def _evidence(ctx: Context, spec: _Spec, what: str) -> ContentFile:
    unit = spec.kwargs["unit"].name
    text = (
        f"{unit}关于“{spec.kwargs['title']}”的{what}\n"
        "一、整改措施落实情况\n二、建立的长效机制\n三、佐证材料清单\n"
    )
    return ContentFile(text.encode("utf-8"), name=f"{what}.txt")


def _lifecycles(ctx: Context, specs: list[_Spec]) -> None:
    """Progress on some problems; the whole way to a close-out on others. The close-outs come
    after a watch run (see build_self_inspection): the progress reports lit the problems as of
    the real today, and a problem waiting for review keeps the light it is submitted with."""
    rng = ctx.rng
    closing = [s for s in specs if s.fate not in ("open", "progress")]
    for spec in specs:
        if spec.fate == "progress" and rng.random() < 0.4:
            problems.progress_report_add(
                actor=spec.actor,
                problem=spec.problem,
                text="整改措施正在落实。",
                percent=rng.choice((30, 50, 70)),
                reported_on=ctx.workday(spec.kwargs["found_on"]),
            )
    reported = {id(spec): _complete(ctx, spec) for spec in closing}
    problems.problems_watch(START)
    for spec in closing:
        _close_out(ctx, spec, reported[id(spec)])


def _complete(ctx: Context, spec: _Spec) -> datetime.date:
    """Every measure done, and a progress report of 100 % with its evidence."""
    done_on = ctx.after(spec.kwargs["found_on"], 2, 5)
    for measure in Measure.objects.filter(problem=spec.problem):
        problems.measure_complete(actor=spec.actor, measure=measure, done_on=done_on)
    reported_on = ctx.after(done_on, 0, 1)
    problems.progress_report_add(
        actor=spec.actor,
        problem=spec.problem,
        text="整改措施已全部完成。",
        percent=100,
        reported_on=reported_on,
        files=[_evidence(ctx, spec, "整改完成情况说明")],
    )
    return reported_on


def _close_out(ctx: Context, spec: _Spec, reported_on: datetime.date) -> None:
    """The unit asks to close; the guidance group above sends it back or accepts it."""
    rng, actor, reviewer = ctx.rng, spec.actor, spec.batch_unit.reviewer
    submitted = ctx.after(reported_on, 0, 2)
    closeout = problems.closeout_submit(
        actor=actor,
        problem=spec.problem,
        summary=rng.choice(names.SUMMARIES),
        submitted_on=submitted,
    )
    if spec.fate == "pending":
        return
    decided = ctx.after(submitted, 1, 3)
    if spec.fate in ("sent_back", "rejected_then_closed"):
        problems.closeout_decide(
            actor=reviewer,
            closeout=closeout,
            accept=False,
            decided_on=decided,
            reason="佐证材料不充分，请补充整改前后对比材料和制度文件。",
        )
        if spec.fate == "sent_back":
            return
        submitted = ctx.after(decided, 1, 2)
        closeout = problems.closeout_submit(
            actor=actor,
            problem=spec.problem,
            summary="已按指导组意见补充佐证材料，申请销号。",
            submitted_on=submitted,
            files=[_evidence(ctx, spec, "补充佐证材料")],
        )
        decided = ctx.after(submitted, 1, 2)
    problems.closeout_decide(actor=reviewer, closeout=closeout, accept=True, decided_on=decided)


def _extensions(ctx: Context, specs: list[_Spec]) -> None:
    """A few units past their deadline ask for more time; the group above decides."""
    rng = ctx.rng
    overdue = [
        s
        for s in specs
        if s.fate in ("open", "progress")
        and s.problem.deadline
        and s.problem.deadline < D(2023, 6, 1)
    ]
    for i, spec in enumerate(rng.sample(overdue, min(len(overdue), 6))):
        requested = ctx.after(spec.problem.deadline, 0, 1)
        extension = problems.extension_request(
            actor=spec.actor,
            problem=spec.problem,
            new_deadline=D(2023, 7, 31),
            reason="涉及多个部门协调，整改周期较长，申请延期。",
            requested_on=requested,
        )
        if i < 4:
            problems.extension_decide(
                actor=spec.batch_unit.reviewer,
                extension=extension,
                approve=i < 3,
                decided_on=ctx.after(requested, 1, 2),
                note="" if i < 3 else "整改时限不宜延长，请加大力度按期完成。",
            )


# -- special programs and rules --------------------------------------------------------------


def _programs_for(ctx: Context, specs: list[_Spec]) -> None:
    """The 9 special programs (row 20), and the problems each takes in."""
    ctx.programs = []
    for name, lead in names.SPECIAL_PROGRAMS:
        ctx.programs.append(
            problems.special_program_create(
                actor=ctx.office,
                campaign=ctx.campaign,
                name=name,
                lead_unit=ctx.departments[lead],
                plan=f"{name}实施方案：明确整治重点、责任分工和时间安排，分阶段推进、按期销号。",
                created_on=ctx.workday(D(2023, 5, 8), D(2023, 5, 19)),
            )
        )
    for spec in ctx.rng.sample(specs, 120):
        spec.kwargs["special_program"] = ctx.rng.choice(ctx.programs)


def build_programs_and_rules(ctx: Context) -> dict:
    rng = ctx.rng
    for title, kind, issued in names.RULES:
        unit = ctx.root
        linked = rng.sample(ctx.root_problems, 3) if kind != "mechanism" else []
        created_on = ctx.workday(D(2023, 5, 10), D(2023, 5, 31))
        rule = problems.rule_create(
            actor=ctx.office,
            unit=unit,
            title=title,
            kind=kind,
            campaign=ctx.campaign,
            problems=linked,
            created_on=created_on,
        )
        if issued:
            problems.rule_issue(actor=ctx.office, rule=rule, issued_on=ctx.after(created_on, 2, 5))
    return {"special_programs": len(ctx.programs), "rules": len(names.RULES)}


def build_lights(ctx: Context) -> dict:
    """The lights as of 2023-06-07. The services lit each problem as of the day they ran (years
    later, so red); the watch run for a day before any deadline turns them green, then the run
    for 2023-06-07 lights those overdue or close to it, dated that day."""
    problems.problems_watch(START)
    problems.problems_watch(ctx.as_of)
    red = Problem.objects.filter(campaign=ctx.campaign, light="red").count()
    return {"red_lights": red}
