"""Stage 2: the people records name — the region's leaders, each unit's leaders (a league's
spread over the league and its banners), a few leaders who have not studied yet, and
section-level staff. 14,900 of them (FIGURES row 1) are county-level-and-above leaders who will
take part in study."""

from shigan.demo.scenario import names
from shigan.demo.scenario.context import BatchUnit, Context, Leader, split
from shigan.orgs.choices import PersonRank
from shigan.orgs.models import Person, Unit
from shigan.orgs.services import PersonDraft, person_bulk_create

__all__ = ["STUDYING_LEADERS", "build_people"]

STUDYING_LEADERS = 14_900  # FIGURES row 1
LEAGUE_LEADERS = 10_900  # of which in the 12 leagues (the rest in the 149 region-level units)
STAFF = {"prefecture": 12, "department": 5, "enterprise": 6, "school": 4}
BUREAU_SHARE = {"prefecture": 0.10, "department": 0.22, "enterprise": 0.18, "school": 0.3}


def _name(rng) -> str:
    if rng.random() < 0.22:
        return rng.choice(names.MONGOLIAN)
    return rng.choice(names.SURNAMES) + rng.choice(names.GIVEN)


def _post(rng, kind: str, rank: str) -> str:
    if rank == PersonRank.SECTION:
        return rng.choice(names.POSTS[("section",)])
    return rng.choice(names.POSTS[(kind, rank)])


class _Drafts:
    def __init__(self, ctx: Context):
        self.ctx = ctx
        self.drafts: list[PersonDraft] = []
        self.meta: list[tuple[BatchUnit | None, str]] = []  # (owner, role) of each draft

    def add(self, unit, rank: str, post_kind: str, owner: BatchUnit | None, role: str) -> None:
        rng = self.ctx.rng
        self.drafts.append(PersonDraft(unit, _name(rng), rank, _post(rng, post_kind, rank)))
        self.meta.append((owner, role))


def build_people(ctx: Context) -> None:
    drafts = _Drafts(ctx)
    for post in names.PROVINCIAL_POSTS:
        drafts.drafts.append(PersonDraft(ctx.root, _name(ctx.rng), PersonRank.PROVINCIAL, post))
        drafts.meta.append((None, "provincial"))
    leagues = [b for b in ctx.units if b.category == "prefecture"]
    others = [b for b in ctx.units if b.category != "prefecture"]
    rest = STUDYING_LEADERS - len(names.PROVINCIAL_POSTS) - LEAGUE_LEADERS
    counts = {
        **dict(
            zip(
                leagues,
                split(LEAGUE_LEADERS, [b.weight for b in leagues], ctx.rng, 400),
                strict=True,
            )
        ),
        **dict(zip(others, split(rest, [b.weight for b in others], ctx.rng, 10), strict=True)),
    }
    banners = _banners(leagues)
    for b in ctx.units:
        _unit_people(ctx, drafts, b, counts[b], banners.get(b.unit.pk, []))
    outcome = person_bulk_create(actor=ctx.office, drafts=drafts.drafts)
    ids = [outcome.created[i] for i in range(len(drafts.drafts))]
    people = Person.objects.in_bulk(ids)
    ctx.people = people
    for pk, draft, (owner, role) in zip(ids, drafts.drafts, drafts.meta, strict=True):
        if role == "provincial":
            ctx.provincial.append(people[pk])
            continue
        assert owner is not None  # every role but "provincial" is of a batch unit
        leader = Leader(pk, draft.unit.pk, draft.rank, role == "studies")
        {"studies": owner.leaders, "idle": owner.idle, "staff": owner.staff}[role].append(leader)
    for b in ctx.units:  # the unit's own leaders first, bureau level before county level
        b.leaders.sort(key=lambda p: (p.unit_id != b.unit.pk, p.rank != PersonRank.BUREAU))


def _banners(leagues: list[BatchUnit]) -> dict[int, list[Unit]]:
    """The county-level units (banners, counties, districts) of each league."""
    out: dict[int, list[Unit]] = {}
    for b in leagues:
        out[b.unit.pk] = list(Unit.objects.get_children(b.unit).filter(division_level=3))
    return out


def _unit_people(ctx: Context, drafts: _Drafts, b: BatchUnit, count: int, banners) -> None:
    """`count` studying leaders (a league's: 35 % at the league, the rest at its banners), a
    few who have not studied yet, and section-level staff."""
    rng, post_kind = ctx.rng, b.category
    own = count if not banners else int(count * 0.35)
    bureau = max(2, round(own * BUREAU_SHARE[b.category]))
    for i in range(own):
        rank = PersonRank.BUREAU if i < bureau else PersonRank.COUNTY
        drafts.add(b.unit, rank, post_kind, b, "studies")
    for i in range(count - own):
        drafts.add(banners[i % len(banners)], PersonRank.COUNTY, "county", b, "studies")
    for _i in range(max(1, count // 60)):  # newly appointed: not in any session yet
        drafts.add(b.unit, PersonRank.COUNTY, post_kind, b, "idle")
    for _i in range(STAFF[b.category]):
        unit = rng.choice(banners) if banners and rng.random() < 0.5 else b.unit
        drafts.add(unit, PersonRank.SECTION, post_kind, b, "staff")
