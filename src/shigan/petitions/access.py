"""Who sees a petitioner's personal data unmasked (decided for issue 8).

- the agent who took the petition in (`Petition.intake_agent.user`);
- the body that must answer it now (`Petition.handling_unit`): the users holding an editor or
  leader role on exactly that unit, and its active agents. When a review is asked for, the
  reviewing body becomes the handling unit and the right moves with it.

Nobody else: not viewers, not roles inherited from units above (a league leader sees the
petition and its figures, masked), not unit admins (they manage roles, not cases), not the
system, security or audit administrators. Everyone else gets masks (张*, 152527********1234,
138****5678), in pages, spreadsheets and the API alike. Every unmasked read is audited
(`petitions.petitioner.viewed`) by the service that decrypts.

The petition itself must be in the user's scope first (`Petition.objects.restrict`).
"""

from shigan.orgs.choices import Role
from shigan.orgs.models import Membership, Unit
from shigan.orgs.permissions import user_can
from shigan.petitions.models import Agent

__all__ = ["reveal_unit_ids", "can_reveal", "can_request_review", "REVEAL_ROLES"]

REVEAL_ROLES = (Role.EDITOR, Role.LEADER)


def reveal_unit_ids(user) -> frozenset[int]:
    """The units whose petitions the user answers for. Cached on the user object."""
    if user is None or not user.is_authenticated or not user.is_active:
        return frozenset()
    cached = user.__dict__.get("_shigan_petition_units")
    if cached is None:
        units = set(
            Membership.objects.filter(user=user, role__in=REVEAL_ROLES).values_list(
                "unit_id", flat=True
            )
        )
        units.update(Agent.objects.filter(user=user, active=True).values_list("unit_id", flat=True))
        cached = user.__dict__["_shigan_petition_units"] = frozenset(units)
    return cached


def can_reveal(user, petition) -> bool:
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    if petition.handling_unit_id in reveal_unit_ids(user):
        return True
    agent = petition.intake_agent if petition.intake_agent_id else None
    return agent is not None and agent.user_id == user.pk


def can_request_review(user, petition) -> bool:
    """Who registers a request for 复查/复核: the agent who carries the petition, or the body
    above the one that answers it (whoever records there; the service checks the body it
    picks again)."""
    agent = petition.intake_agent
    if agent is not None and agent.user_id == user.pk:
        return True
    above = Unit.objects.get_parent(petition.handling_unit)
    return above is not None and user_can(user, "record", above)
