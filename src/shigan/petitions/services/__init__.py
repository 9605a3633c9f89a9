"""Writes on petitions. Every change goes through one of these services, in one transaction
with its transition row (who, when, from, to, which units, note), its audit entry and the
metric facts; then the petition's current deadline and traffic light are recomputed.

Reading a petitioner unmasked is also a service here: it writes an audit entry.

One module per thing written: `agents`, `intake`, `handling` (route, accept, decline,
objection, extend, reply, rate, raise a problem), `reviews` (复查、复核), `materials`,
`people` (petitioners read), `keys` (rotation); `base` holds what they share. The names below
are the app's write API, imported by views, the API, importers, the demo and the tests.
"""

from shigan.petitions.services.agents import agent_appoint, agent_retire
from shigan.petitions.services.base import (
    PRE_ACCEPTANCE,
    PetitionError,
    is_local,
    petition_refresh_light,
)
from shigan.petitions.services.handling import (
    petition_accept,
    petition_decline,
    petition_extend,
    petition_objection_record,
    petition_problem_raise,
    petition_rate,
    petition_reply,
    petition_route,
    route_allowed,
)
from shigan.petitions.services.intake import PetitionerData, petition_intake
from shigan.petitions.services.keys import petition_keys_rotate
from shigan.petitions.services.materials import attachment_read, petition_attachment_add
from shigan.petitions.services.people import PetitionerView, petitioners_read
from shigan.petitions.services.reviews import (
    petition_review_decide,
    petition_review_hearing,
    petition_review_request,
)

__all__ = [
    "PRE_ACCEPTANCE",
    "PetitionError",
    "PetitionerData",
    "PetitionerView",
    "agent_appoint",
    "agent_retire",
    "attachment_read",
    "is_local",
    "petition_accept",
    "petition_attachment_add",
    "petition_decline",
    "petition_extend",
    "petition_intake",
    "petition_keys_rotate",
    "petition_objection_record",
    "petition_problem_raise",
    "petition_rate",
    "petition_refresh_light",
    "petition_reply",
    "petition_review_decide",
    "petition_review_hearing",
    "petition_review_request",
    "petition_route",
    "petitioners_read",
    "route_allowed",
]
