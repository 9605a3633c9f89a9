"""Who may do what on one unit. Lists are filtered by `Model.objects.restrict(user, action)`
(`orgs.scoping`); a single unit is checked with `user_can`. Both read the same role table
(`orgs.choices.ROLE_ACTIONS`) applied to the subtrees of the units a user holds roles on."""

from shigan.orgs.models import Unit
from shigan.orgs.scoping import ALL, Viewer, user_scope_paths

__all__ = ["user_can"]


def user_can(user: Viewer, action: str, unit: Unit) -> bool:
    """Whether `user` may `action` on `unit` (a role on the unit or one of its ancestors)."""
    if user is None:  # the system itself: CLI, demo loader, importers run by an operator
        return True
    paths = user_scope_paths(user, action)
    return paths is ALL or any(unit.path.startswith(p) for p in paths)
