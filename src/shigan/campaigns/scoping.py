"""Guidance-group members see, and review, exactly the units their groups are assigned."""

from shigan.orgs.models import Unit

__all__ = ["guidance_scope", "GUIDANCE_ACTIONS"]

# "review": approve research plans and close-outs of the assigned units.
GUIDANCE_ACTIONS = {"view", "review"}


def guidance_scope(user, action: str) -> list[str]:
    if action not in GUIDANCE_ACTIONS:
        return []
    return list(
        Unit.objects.filter(guidance_groups__members=user, active=True)
        .order_by()
        .values_list("path", flat=True)
        .distinct()
    )
