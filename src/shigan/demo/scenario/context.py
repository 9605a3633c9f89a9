"""What the stages of the scenario share: the date, the random source, the units, people,
accounts and campaign objects made by earlier stages, and small helpers (working days,
splitting a total over units)."""

import datetime
import random
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from shigan.core.calendar import add_workdays, is_workday

if TYPE_CHECKING:
    from shigan.accounts.models import User
    from shigan.campaigns.models import Campaign, GuidanceGroup
    from shigan.orgs.models import Person, Unit

__all__ = ["AS_OF", "START", "BatchUnit", "Leader", "Context", "split", "DEMO_PASSWORD"]

AS_OF = datetime.date(2023, 6, 7)  # the article's "截至目前" (published 2023-06-08)
START = datetime.date(2023, 4, 3)  # the central work conference on the campaign
BATCH_START = datetime.date(2023, 4, 11)  # the region's work conference
SEED = 20230607
# Every demo account's published password: the demo's own accounts and those the stages make
# (group members, agents, union officers).
DEMO_PASSWORD = "shigan-demo-2023"


@dataclass
class Leader:
    """A person made by the scenario: its id, unit id, rank, and whether it is a leader who
    takes part in study (people who have not, and section-level staff, exist too)."""

    pk: int
    unit_id: int
    rank: str
    studies: bool


@dataclass(eq=False)
class BatchUnit:
    unit: "Unit"
    category: str  # prefecture / department / enterprise / school
    leaders: list[Leader] = field(default_factory=list)  # county level and above, who study
    idle: list[Leader] = field(default_factory=list)  # leaders with no session yet
    staff: list[Leader] = field(default_factory=list)  # section-level staff
    group: "GuidanceGroup | None" = None
    reviewer: "User | None" = None  # the group's member
    weight: float = 1.0

    @property
    def core(self) -> list[Leader]:
        """The unit's leadership: its own leaders (not a league's banners'), at most 21."""
        own = [p for p in self.leaders if p.unit_id == self.unit.pk]
        return own[:21]


def split(total: int, weights: list[float], rng: random.Random, minimum: int = 0) -> list[int]:
    """`total` spread over len(weights) parts, each at least `minimum`, roughly in proportion
    to the weights (jittered), summing exactly to `total` (largest remainders)."""
    n = len(weights)
    rest = total - minimum * n
    if rest < 0:
        raise ValueError(f"cannot split {total} into {n} parts of at least {minimum}")
    jittered = [w * rng.uniform(0.75, 1.25) for w in weights]
    scale = rest / sum(jittered)
    shares = [w * scale for w in jittered]
    parts = [int(s) for s in shares]
    order = sorted(range(n), key=lambda i: shares[i] - parts[i], reverse=True)
    for i in order[: rest - sum(parts)]:
        parts[i] += 1
    return [p + minimum for p in parts]


class Context:
    next_campaign: "Campaign"  # set by the carry-over stage

    def __init__(self, progress):
        self.progress = progress
        self.rng = random.Random(SEED)
        self.as_of = AS_OF
        self.workdays = self._workdays(START, AS_OF)
        # Filled in by the stages, in order.
        self.office = self.league_leader = self.guide = None
        self.accounts: dict = {}  # the demo accounts by username
        self.root = None
        self.campaign = self.batch = None
        self.units: list[BatchUnit] = []
        self.by_unit: dict[int, BatchUnit] = {}
        self.research_aspects: list = []
        self.problem_aspects: list = []
        self.root_problem_aspects: list = []
        self.root_group = None
        self.provincial: list = []  # Person objects of the region-level leaders
        self.people: dict[int, Person] = {}  # by id
        self.places: dict[int, list] = {}  # league unit id → townships and villages in it
        self.all_places: list = []
        self.special_place = None  # the village of the article's 统种共富 model
        self.promotion_topic = None  # 农牧厅's topic on that model (promotion stage)
        # unit id → [(topic id, first trip day, lead, title, trips)] of topics under research
        self.topics_by_unit: dict[int, list] = {}
        self.departments: dict[str, Unit] = {}  # by name
        self.root_problems: list = []  # the region's own problems (rectification stage)
        self.self_problems: list = []  # the batch units' self-inspection problems
        self.programs: list = []  # the special programs
        self.briefing = None  # the briefing issued for the as-of date

    @staticmethod
    def _workdays(first: datetime.date, last: datetime.date) -> list[datetime.date]:
        days, day = [], first
        while day <= last:
            if is_workday(day):
                days.append(day)
            day += datetime.timedelta(days=1)
        return days

    def workday(self, first: datetime.date, last: datetime.date | None = None) -> datetime.date:
        """A random working day in [first, last] (last defaults to the as-of date)."""
        last = min(last or self.as_of, self.as_of)
        days = [d for d in self.workdays if first <= d <= last]
        if not days:
            return min(max(first, self.workdays[0]), last)
        return self.rng.choice(days)

    def after(self, day: datetime.date, low: int, high: int) -> datetime.date:
        """`low`–`high` working days after `day`, never after the as-of date."""
        return min(add_workdays(day, self.rng.randint(low, high)), self.as_of)

    def actor_for(self, unit):
        """Who records a unit's facts: the league leader in 锡林郭勒盟, the office elsewhere."""
        if self.league_leader is not None and unit.path.startswith(self.league_path):
            return self.league_leader
        return self.office

    league_path = "\x00"  # set by the setup stage

    def pick(self, items, k: int | None = None):
        return self.rng.choice(items) if k is None else self.rng.sample(items, k)
