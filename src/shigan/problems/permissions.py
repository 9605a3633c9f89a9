"""Who may do what to a problem. Plain predicates: views call them to show or hide actions,
the services call them again and refuse with a coded error.

Review (销号审核, deadline extensions) belongs to the level above: a user with "review" on a
unit STRICTLY above the problem's unit, or a member of a guidance group assigned to the
problem's unit or one of its ancestors (in the problem's campaign). A role on the problem's own
unit never suffices: a unit does not close its own problems.
"""

from shigan.campaigns.models import GuidanceGroup
from shigan.campaigns.selectors import guidance_members
from shigan.core.actors import is_system_actor, require_actor
from shigan.orgs.choices import ROLE_ACTIONS
from shigan.orgs.models import Membership, Unit
from shigan.orgs.permissions import user_can

__all__ = [
    "can_record",
    "can_review",
    "reviewers_of",
    "strict_ancestor_paths",
    "REVIEW_ROLES",
]

REVIEW_ROLES = tuple(role for role, actions in ROLE_ACTIONS.items() if "review" in actions)


def strict_ancestor_paths(unit: Unit) -> list[str]:
    return [unit.path[:i] for i in range(Unit.steplen, len(unit.path), Unit.steplen)]


def can_record(user, problem) -> bool:
    """Whether the user may record measures, progress, evidence and close-outs on the problem."""
    return user_can(user, "record", problem.unit)


def can_review(user, problem) -> bool:
    """Whether the user may decide close-outs and deadline extensions of the problem."""
    require_actor(user)
    if is_system_actor(user):
        return True
    if not user.is_authenticated or not user.is_active:
        return False
    if user.is_superuser:
        return True
    above = Membership.objects.filter(
        user=user,
        role__in=REVIEW_ROLES,
        unit__active=True,
        unit__path__in=strict_ancestor_paths(problem.unit),
    )
    if above.exists():
        return True
    return _in_guidance_group(user, problem)


def _in_guidance_group(user, problem) -> bool:
    groups = GuidanceGroup.objects.filter(
        members=user,
        units__active=True,
        units__path__in=[*strict_ancestor_paths(problem.unit), problem.unit.path],
    )
    if problem.campaign_id is not None:
        groups = groups.filter(campaign_id=problem.campaign_id)
    return groups.exists()


def reviewers_of(problems) -> dict[int, set[int]]:
    """Who is told that a problem's close-out or extension waits (user ids by problem id): the
    reviewers of the NEAREST unit above that has any (the level it is submitted to — not
    every office up to the region), and the members of the guidance groups assigned to the
    problem's unit or an ancestor in its campaign. Each of them may decide it (`can_review`)."""
    problems = list(problems)
    paths = {p for problem in problems for p in strict_ancestor_paths(problem.unit)}
    by_path: dict[str, set[int]] = {}
    reviewers = Membership.objects.filter(
        role__in=REVIEW_ROLES, unit__active=True, unit__path__in=paths, user__is_active=True
    ).values_list("unit__path", "user_id")
    for path, user_id in reviewers:
        by_path.setdefault(path, set()).add(user_id)
    guides = guidance_members(problems, active_units_only=True)
    found = {}
    for problem in problems:
        above = strict_ancestor_paths(problem.unit)
        nearest = next((by_path[p] for p in reversed(above) if p in by_path), set())
        found[problem.pk] = nearest | guides[problem.pk]
    return found
