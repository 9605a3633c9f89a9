"""Who may do what to a problem. Plain predicates: views call them to show or hide actions,
the services call them again and refuse with a coded error.

Review (销号审核, deadline extensions) belongs to the level above: a user with "review" on a
unit STRICTLY above the problem's unit, or a member of a guidance group assigned to the
problem's unit or one of its ancestors (in the problem's campaign). A role on the problem's own
unit never suffices: a unit does not close its own problems.
"""

from shigan.orgs.choices import ROLE_ACTIONS
from shigan.orgs.models import Membership, Unit
from shigan.orgs.services import user_can

__all__ = ["can_record", "can_review", "strict_ancestor_paths", "REVIEW_ROLES"]

REVIEW_ROLES = tuple(role for role, actions in ROLE_ACTIONS.items() if "review" in actions)


def strict_ancestor_paths(unit: Unit) -> list[str]:
    return [unit.path[:i] for i in range(Unit.steplen, len(unit.path), Unit.steplen)]


def can_record(user, problem) -> bool:
    """Whether the user may record measures, progress, evidence and close-outs on the problem."""
    return user_can(user, "record", problem.unit)


def can_review(user, problem) -> bool:
    """Whether the user may decide close-outs and deadline extensions of the problem."""
    if user is None:  # the system itself (CLI, demo loader)
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
    from shigan.campaigns.models import GuidanceGroup

    groups = GuidanceGroup.objects.filter(
        members=user,
        units__active=True,
        units__path__in=[*strict_ancestor_paths(problem.unit), problem.unit.path],
    )
    if problem.campaign_id is not None:
        groups = groups.filter(campaign_id=problem.campaign_id)
    return groups.exists()


def reviewer_ids(problem) -> list[int]:
    """Who is told of a close-out or extension to decide (issue 18): the reviewers of the
    nearest unit above the problem's that has any, and the members of the guidance groups
    that may review it. `can_review` admits a few more (any level above); the nearest is who
    is expected to act."""
    from shigan.campaigns.models import GuidanceGroup

    by_path: dict[str, set[int]] = {}
    for path, user_id in Membership.objects.filter(
        role__in=REVIEW_ROLES,
        unit__active=True,
        user__is_active=True,
        unit__path__in=strict_ancestor_paths(problem.unit),
    ).values_list("unit__path", "user_id"):
        by_path.setdefault(path, set()).add(user_id)
    nearest = by_path[max(by_path, key=len)] if by_path else set()
    groups = GuidanceGroup.objects.filter(
        units__active=True,
        units__path__in=[*strict_ancestor_paths(problem.unit), problem.unit.path],
    )
    if problem.campaign_id is not None:
        groups = groups.filter(campaign_id=problem.campaign_id)
    members = groups.filter(members__is_active=True).values_list("members", flat=True)
    return sorted(nearest | set(members))
