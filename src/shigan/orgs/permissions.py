"""Who may do what on one unit. Lists are filtered by `Model.objects.restrict(user, action)`
(`orgs.scoping`); a single unit is checked with `user_can`. Both read the same role table
(`orgs.choices.ROLE_ACTIONS`) applied to the subtrees of the units a user holds roles on."""

from shigan.core.actors import is_system_actor, require_actor
from shigan.orgs.models import Unit
from shigan.orgs.scoping import ALL, Viewer, user_scope_paths

__all__ = ["user_can"]


def user_can(user: Viewer, action: str, unit: Unit) -> bool:
    """Whether `user` may `action` on `unit` (a role on the unit or one of its ancestors)."""
    # None is refused, not "everything": the system itself passes its own account.
    require_actor(user)
    if is_system_actor(user):
        return True
    paths = user_scope_paths(user, action)
    return paths is ALL or any(unit.path.startswith(p) for p in paths)
