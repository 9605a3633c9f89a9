"""Stage 3: study sessions. The region's standing committee holds 2 reading classes and 5
central-group sessions (FIGURES rows 2–3); every batch-1 unit holds a reading class (row 5) and
792 central-group sessions are held among them (row 6); lectures, the online "北疆云讲堂" and
party days take every other studying leader in, so that exactly 14,900 distinct
county-level-and-above leaders have studied (row 1)."""

import datetime
from collections import defaultdict

from shigan.demo.scenario import names
from shigan.demo.scenario.context import BATCH_START, BatchUnit, Context, split
from shigan.study.choices import StudyKind
from shigan.study.services import ActivityDraft, study_activity_bulk_create

__all__ = ["BATCH_CENTRAL_GROUP", "build_study"]

BATCH_CENTRAL_GROUP = 792  # FIGURES row 6
D = datetime.date
ROOT_READING = ((D(2023, 4, 13), D(2023, 4, 19)), (D(2023, 5, 22), D(2023, 5, 26)))
ROOT_CENTRAL = (D(2023, 4, 20), D(2023, 4, 27), D(2023, 5, 11), D(2023, 5, 25), D(2023, 6, 6))
ORDINALS = "一二三四五六七八九十"


class _Sessions:
    """The drafts being made, and which leaders have a session yet."""

    def __init__(self, ctx: Context):
        self.ctx = ctx
        self.by_actor: dict[object, list[ActivityDraft]] = defaultdict(list)
        self.studied: set[int] = set()

    def add(self, unit, kind, title, held_on, leaders, ends_on=None, others=0) -> None:
        ids = [getattr(p, "pk", p) for p in leaders]
        self.studied.update(ids)
        participants = len(ids) + others
        draft = ActivityDraft(
            unit, kind, title, held_on, self.ctx.campaign, ends_on, participants, "", ids
        )
        self.by_actor[self.ctx.actor_for(unit)].append(draft)


def build_study(ctx: Context) -> int:
    sessions = _Sessions(ctx)
    _root(ctx, sessions)
    central = split(
        BATCH_CENTRAL_GROUP,
        [1.6 if b.category == "prefecture" else 1.0 for b in ctx.units],
        ctx.rng,
        3,
    )
    for b, n in zip(ctx.units, central, strict=True):
        _unit(ctx, sessions, b, n)
    made = 0
    for actor, drafts in sessions.by_actor.items():
        made += len(study_activity_bulk_create(actor=actor, drafts=drafts))
    return made


def _theme(ctx: Context) -> str:
    return ctx.rng.choice(names.STUDY_THEMES)


def _root(ctx: Context, sessions: _Sessions) -> None:
    leaders = ctx.provincial
    for i, (first, last) in enumerate(ROOT_READING):
        title = f"自治区党委学习贯彻习近平新时代中国特色社会主义思想主题教育第{ORDINALS[i]}期读书班"
        sessions.add(ctx.root, StudyKind.READING_CLASS, title, first, leaders, last, others=12)
    committee = leaders[:14]
    for i, day in enumerate(ROOT_CENTRAL):
        title = f"自治区党委理论学习中心组第{ORDINALS[i]}次集中学习研讨：{_theme(ctx)}"
        sessions.add(ctx.root, StudyKind.CENTRAL_GROUP, title, day, committee, others=6)


def _unit(ctx: Context, sessions: _Sessions, b: BatchUnit, central: int) -> None:
    rng, unit, name = ctx.rng, b.unit, b.unit.name
    core = b.core
    classes = 2 if b.category == "prefecture" or (len(b.leaders) > 60 and rng.random() < 0.5) else 1
    starts = sorted(
        ctx.workday(D(2023, 4, 14), D(2023, 5, 12) if i == 0 else D(2023, 6, 1))
        for i in range(classes)
    )
    cohort = [p for p in b.leaders if p.unit_id == unit.pk][:80]
    for i, day in enumerate(starts):
        title = f"{name}学习贯彻习近平新时代中国特色社会主义思想主题教育读书班（第{ORDINALS[i]}期）"
        attending = [p for p in cohort if rng.random() < 0.9] or cohort
        sessions.add(unit, StudyKind.READING_CLASS, title, day, attending, ctx.after(day, 2, 4), 20)
    days = sorted(ctx.workday(BATCH_START) for _ in range(central))
    for i, day in enumerate(days, start=1):
        title = f"{name}党委（党组）理论学习中心组第{i}次集中学习：{_theme(ctx)}"
        attending = [p for p in core if rng.random() < 0.88] or core
        sessions.add(unit, StudyKind.CENTRAL_GROUP, title, day, attending, others=rng.randint(0, 4))
    _the_rest(ctx, sessions, b)
    _party_day(ctx, sessions, b)


def _the_rest(ctx: Context, sessions: _Sessions, b: BatchUnit) -> None:
    """Leaders with no session yet join a lecture or an online class of the unit."""
    rng = ctx.rng
    waiting = [p for p in b.leaders if p.pk not in sessions.studied]
    size = 260 if b.category == "prefecture" else 120
    for start in range(0, len(waiting), size):
        chunk = waiting[start : start + size]
        day = ctx.workday(D(2023, 4, 18))
        if rng.random() < 0.5:
            kind, title = StudyKind.ONLINE_CLASS, f"“学思想——云直播”北疆云讲堂：{_theme(ctx)}"
        else:
            kind, title = StudyKind.LECTURE, f"{b.unit.name}主题教育专题讲座：{_theme(ctx)}"
        sessions.add(b.unit, kind, title, day, chunk, others=rng.randint(10, 200))


def _party_day(ctx: Context, sessions: _Sessions, b: BatchUnit) -> None:
    rng = ctx.rng
    day = ctx.workday(D(2023, 4, 20))
    leaders = rng.sample(b.core, min(len(b.core), 3)) + b.staff
    kind = StudyKind.PARTY_DAY if rng.random() < 0.5 else StudyKind.THREE_MEETINGS
    title = (
        "“学思想、强党性、重实践、建新功”主题党日活动"
        if kind == StudyKind.PARTY_DAY
        else ("机关党支部“三会一课”专题党课：学习贯彻习近平新时代中国特色社会主义思想")
    )
    sessions.add(b.unit, kind, title, day, leaders, others=rng.randint(15, 60))
