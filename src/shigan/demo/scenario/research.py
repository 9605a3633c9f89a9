"""Stage 4: research. 38 topics led by region-level leaders with 139 trips (FIGURES rows 8–9);
1,346 topics of batch-1 units with 1,960 trips (rows 10–11), their plans reviewed by the
guidance groups, which send back at least one plan of 145 units (row 15); 269 guidance visits
about research (row 14); reports, conclusions and results for the topics furthest along."""

import datetime
from collections import defaultdict

from shigan.campaigns.choices import VisitPurpose
from shigan.campaigns.services import guidance_visit_log
from shigan.demo.scenario import names, promotion
from shigan.demo.scenario.context import Context, split
from shigan.orgs.models import Unit
from shigan.research import services as research
from shigan.research.choices import ResultKind, ResultState, Verdict
from shigan.research.models import ResearchPlan, ResearchTopic

__all__ = ["TARGETS", "build_research", "build_guidance", "build_visits"]

TARGETS = {
    "provincial_topics": 38,  # row 8
    "provincial_trips": 139,  # row 9
    "batch_topics": 1346,  # row 10
    "batch_trips": 1960,  # row 11
    "guidance_visits": 269,  # row 14
    "revised_units": 145,  # row 15
}
D = datetime.date
LATE_DRAFTING, LATE_SUBMITTED = 9, 17  # topics entered late, without an approved plan yet


class _Topic:
    """A topic being made: its draft and the days of its steps."""

    def __init__(self, unit_id, draft, created_on):
        self.unit_id, self.draft, self.created_on = unit_id, draft, created_on
        self.pk = None
        self.fate = "approved"  # or "revised", "submitted" (waiting), "drafting"
        self.days: dict[str, datetime.date] = {}
        self.trips: list[datetime.date] = []


def build_research(ctx: Context) -> dict:
    _places(ctx)
    topics = _root_topics(ctx) + _batch_topics(ctx)
    _fates(ctx, topics)
    promotion.mark_topic(ctx, topics)
    _create(ctx, topics)
    _plans(ctx, topics)
    _trips(ctx, topics)
    reported = _reports(ctx, topics)
    for t in topics:
        if t.trips and t.unit_id != ctx.root.pk:
            ctx.topics_by_unit.setdefault(t.unit_id, []).append(
                (t.pk, min(t.trips), t.draft.lead, t.draft.title, len(t.trips))
            )
    return {"topics": len(topics), "trips": sum(len(t.trips) for t in topics), "reported": reported}


# -- places ----------------------------------------------------------------------------------


def _places(ctx: Context) -> None:
    """Townships and villages the research goes to: some of each league's, and the article's
    侯家营子 village of 白泥井镇 (达拉特旗, 鄂尔多斯市)."""
    rng = ctx.rng
    for b in ctx.units:
        if b.category != "prefecture":
            continue
        below = list(
            Unit.objects.subtree_of(b.unit).filter(depth__in=(4, 5)).only("pk", "path", "name")
        )
        ctx.places[b.unit.pk] = rng.sample(below, min(len(below), 60))
        ctx.all_places.extend(ctx.places[b.unit.pk][:25])
    special = Unit.objects.filter(name="侯家营子村委会", path__startswith=ctx.root.path).first()
    ctx.special_place = special or ctx.all_places[0]


def _place(ctx: Context, unit_id: int):
    return ctx.rng.choice(ctx.places.get(unit_id) or ctx.all_places)


# -- topics ----------------------------------------------------------------------------------


def _root_topics(ctx: Context) -> list[_Topic]:
    rng, topics = ctx.rng, []
    for i in range(TARGETS["provincial_topics"]):
        subject = names.PROVINCIAL_TOPICS[i]
        day = ctx.workday(D(2023, 4, 14), D(2023, 4, 21))
        aspect = ctx.research_aspects[i % len(ctx.research_aspects)]
        lead = ctx.provincial[i]
        draft = research.TopicDraft(
            ctx.root, ctx.campaign, aspect, f"关于{subject}的调研", lead, day, [lead]
        )
        topics.append(_Topic(ctx.root.pk, draft, day))
    rng.shuffle(topics)
    return topics


def _batch_topics(ctx: Context) -> list[_Topic]:
    rng = ctx.rng
    weights = [3.0 if b.category == "prefecture" else 1.0 for b in ctx.units]
    counts = split(TARGETS["batch_topics"], weights, rng, 4)
    topics = []
    for b, n in zip(ctx.units, counts, strict=True):
        kind = b.category if b.category in names.TOPIC_SUBJECTS else "department"
        titles = _titles(rng, names.TOPIC_SUBJECTS[kind], n)
        leads = [ctx.people[p.pk] for p in b.core[:8]]
        for title in titles:
            day = ctx.workday(D(2023, 4, 14), D(2023, 5, 19))
            aspect = rng.choice(ctx.research_aspects)
            draft = research.TopicDraft(b.unit, ctx.campaign, aspect, title, rng.choice(leads), day)
            topics.append(_Topic(b.unit.pk, draft, day))
    return topics


def _titles(rng, subjects, n: int) -> list[str]:
    titles: list[str] = []
    seen: set[str] = set()
    while len(titles) < n:
        subject = rng.choice(subjects)
        title = f"关于{rng.choice(names.TOPIC_VERBS)}{subject}的{rng.choice(names.TOPIC_ENDINGS)}"
        if title not in seen:
            seen.add(title)
            titles.append(title)
    return titles


def _create(ctx: Context, topics: list[_Topic]) -> None:
    by_actor = defaultdict(list)
    for t in topics:
        by_actor[ctx.actor_for(t.draft.unit)].append(t)
    for actor, group in by_actor.items():
        ids = research.topic_bulk_create(actor=actor, drafts=[t.draft for t in group])
        for t, pk in zip(group, ids, strict=True):
            t.pk = pk


# -- plans -----------------------------------------------------------------------------------


def _fates(ctx: Context, topics: list[_Topic]) -> None:
    """Which topics had a plan sent back (at least one in each of 145 units), and which were
    entered late and have no approved plan yet."""
    rng = ctx.rng
    batch = [t for t in topics if t.unit_id != ctx.root.pk]
    late = rng.sample(batch, LATE_DRAFTING + LATE_SUBMITTED)
    for i, t in enumerate(late):
        t.fate = "drafting" if i < LATE_DRAFTING else "submitted"
        t.created_on = t.draft.created_on = ctx.workday(D(2023, 5, 29), D(2023, 6, 5))
    by_unit = defaultdict(list)
    for t in batch:
        if t.fate == "approved" and t.created_on <= D(2023, 5, 12):
            by_unit[t.unit_id].append(t)
    chosen = rng.sample(sorted(by_unit), TARGETS["revised_units"])
    for unit_id in chosen:
        candidates = by_unit[unit_id]
        for t in rng.sample(candidates, min(len(candidates), rng.choice((1, 1, 1, 2, 2, 3)))):
            t.fate = "revised"


def _plans(ctx: Context, topics: list[_Topic]) -> None:
    text = names.PLAN_TEXTS
    first = [t for t in topics if t.fate != "drafting"]
    for t in first:
        t.days["submit1"] = ctx.after(t.created_on, 1, 4)
    _submit(ctx, first, "submit1", lambda t: text.format(t=t.draft.title, a=t.draft.aspect.name))
    reviewed = [t for t in first if t.fate != "submitted"]
    for t in reviewed:
        t.days["review1"] = ctx.after(t.days["submit1"], 1, 3)
    _review(
        ctx,
        reviewed,
        "review1",
        lambda t: Verdict.REVISE if t.fate == "revised" else Verdict.APPROVED,
    )
    revised = [t for t in reviewed if t.fate == "revised"]
    for t in revised:
        t.days["submit2"] = ctx.after(t.days["review1"], 2, 4)
        t.days["review2"] = ctx.after(t.days["submit2"], 1, 2)
    _submit(
        ctx,
        revised,
        "submit2",
        lambda t: (
            text.format(t=t.draft.title, a=t.draft.aspect.name)
            + "（根据指导组意见修改完善：增加基层调研点位，细化成果转化安排。）"
        ),
    )
    _review(ctx, revised, "review2", lambda t: Verdict.APPROVED)
    for t in reviewed:
        t.days["approved"] = t.days.get("review2", t.days["review1"])


def _submit(ctx: Context, topics: list[_Topic], step: str, text) -> None:
    by_actor = defaultdict(list)
    for t in topics:
        by_actor[ctx.actor_for(t.draft.unit)].append(t)
    for actor, group in by_actor.items():
        drafts = [
            research.PlanDraft(ResearchTopic(pk=t.pk, unit=t.draft.unit), text(t), t.days[step])
            for t in group
        ]
        research.plan_bulk_submit(actor=actor, drafts=drafts)


def _review(ctx: Context, topics: list[_Topic], step: str, verdict) -> None:
    latest = dict(
        ResearchPlan.objects.filter(topic__in=[t.pk for t in topics])
        .order_by("topic", "version")
        .values_list("topic", "pk")
    )  # the last version of each topic wins
    by_reviewer = defaultdict(list)
    for t in topics:
        reviewer = ctx.office if t.unit_id == ctx.root.pk else ctx.by_unit[t.unit_id].reviewer
        by_reviewer[reviewer].append(t)
    for reviewer, group in by_reviewer.items():
        drafts = []
        for t in group:
            v = verdict(t)
            comment = ctx.rng.choice(names.REVISE_COMMENTS) if v == Verdict.REVISE else ""
            drafts.append(
                research.ReviewDraft(ResearchPlan(pk=latest[t.pk]), v, t.days[step], comment)
            )
        research.plan_bulk_review(actor=reviewer, drafts=drafts)


# -- trips -----------------------------------------------------------------------------------


def _trips(ctx: Context, topics: list[_Topic]) -> None:
    rng = ctx.rng
    approved = [t for t in topics if "approved" in t.days]
    for key, pool in (
        ("provincial_trips", [t for t in approved if t.unit_id == ctx.root.pk]),
        ("batch_trips", [t for t in approved if t.unit_id != ctx.root.pk]),
    ):
        weights = [1.0 + (ctx.as_of - t.days["approved"]).days / 20 for t in pool]
        minimum = 2 if key == "provincial_trips" else 1
        for t, n in zip(pool, split(TARGETS[key], weights, rng, minimum), strict=True):
            t.trips = sorted(ctx.workday(t.days["approved"]) for _ in range(n))
            t.trips = promotion.trip_days(ctx, t, t.trips)
    by_actor = defaultdict(list)
    for t in approved:
        for day in t.trips:
            by_actor[ctx.actor_for(t.draft.unit)].append((day, t))
    for actor, trips in by_actor.items():
        trips.sort(key=lambda x: (x[0], x[1].pk))
        drafts = [
            research.TripDraft(
                ResearchTopic(pk=t.pk, unit=t.draft.unit),
                day,
                _trip_place(ctx, t),
                [t.draft.lead],
                rng.choice(names.FINDINGS),
            )
            for day, t in trips
        ]
        research.trip_bulk_log(actor=actor, drafts=drafts)


def _trip_place(ctx: Context, t: _Topic):
    if t.unit_id == ctx.root.pk and "统种共富" in t.draft.title:
        return ctx.special_place
    place = _place(ctx, t.unit_id)  # drawn all the same: later draws stay as they were
    return ctx.special_place if t is ctx.promotion_topic else place


# -- reports, conclusions, results (one by one: a few hundred) --------------------------------


def _reports(ctx: Context, topics: list[_Topic]) -> int:
    rng = ctx.rng
    ready = [t for t in topics if len(t.trips) >= 2 and max(t.trips) <= D(2023, 5, 24)]
    reported = rng.sample(ready, min(len(ready), 160))
    for t in reported:
        topic = ResearchTopic(pk=t.pk, unit=t.draft.unit)
        actor = ctx.actor_for(t.draft.unit)
        day = ctx.after(max(t.trips), 2, 8)
        text = f"{t.draft.title}报告：调研发现的主要问题、原因分析和对策建议。"
        research.topic_report_submit(actor=actor, topic=topic, text=text, day=day)
        if rng.random() < 0.45:
            kind = rng.choice(ResultKind.values)
            adopted = rng.random() < 0.5
            research.result_create(
                actor=actor,
                topic=topic,
                kind=kind,
                title=f"{t.draft.title.removeprefix('关于').removesuffix('调研')}的实施意见"[:200],
                recorded_on=day,
                state=ResultState.ADOPTED if adopted else ResultState.DRAFTING,
                adopted_on=ctx.after(day, 1, 5) if adopted else None,
            )
        if rng.random() < 0.35 and day < ctx.as_of:
            research.topic_conclude(actor=actor, topic=topic, day=ctx.after(day, 1, 6))
    return len(reported)


# -- guidance visits -------------------------------------------------------------------------

RECTIFICATION_VISITS = 74


def build_guidance(ctx: Context) -> dict:
    research_visits = build_visits(ctx, VisitPurpose.RESEARCH, TARGETS["guidance_visits"])
    rectification = build_visits(ctx, VisitPurpose.RECTIFICATION, RECTIFICATION_VISITS)
    return {"guidance_visits": research_visits, "rectification_visits": rectification}


def build_visits(ctx: Context, purpose: VisitPurpose, total: int) -> int:
    """Guidance visits of the groups to their units (269 about research: row 14)."""
    rng = ctx.rng
    groups = defaultdict(list)
    for b in ctx.units:
        assert b.group is not None and b.reviewer is not None  # set by the setup stage
        groups[(b.group.pk, b.reviewer.pk)].append(b)
    members = list(groups.values())
    counts = split(total, [len(m) for m in members], rng, 1)
    notes = {
        VisitPurpose.RESEARCH: "审核调研方案，听取调研工作进展汇报，提出改进意见。",
        VisitPurpose.RECTIFICATION: "督导检视整改，抽查问题清单和整改台账。",
    }[purpose]
    first = D(2023, 4, 17) if purpose == VisitPurpose.RESEARCH else D(2023, 5, 15)
    for units, n in zip(members, counts, strict=True):
        for _ in range(n):
            b = rng.choice(units)
            guidance_visit_log(
                actor=b.reviewer,
                group=b.group,
                unit=b.unit,
                visited_on=ctx.workday(first),
                purpose=purpose,
                notes=notes,
            )
    return total
