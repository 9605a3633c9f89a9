"""Guidance-group members see, and review, exactly the units their groups are assigned."""

from shigan.orgs.models import Unit

__all__ = ["guidance_units", "GUIDANCE_ACTIONS"]

# "review": approve research plans and close-outs of the assigned units.
GUIDANCE_ACTIONS = {"view", "review"}


def guidance_units(user):
    """The active units the user's guidance groups are assigned (for GUIDANCE_ACTIONS)."""
    return Unit.objects.filter(guidance_groups__members=user, active=True)
