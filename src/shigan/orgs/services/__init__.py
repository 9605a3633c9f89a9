"""Writes on the unit tree, people and roles. Each runs in one transaction with its audit entry.

One module per entity: `units` (and `units_bulk`, for importers), `memberships`, `people`;
`common` holds what they share. Callers import from here.
"""

from shigan.orgs.services.common import BulkOutcome, BulkRejected, OrgError
from shigan.orgs.services.memberships import (
    MembershipDraft,
    membership_bulk_grant,
    membership_grant,
    membership_revoke,
    membership_sync_mapped,
)
from shigan.orgs.services.people import (
    PersonDraft,
    person_bulk_create,
    person_create,
    person_deactivate,
    person_reactivate,
    person_update,
)
from shigan.orgs.services.units import unit_create, unit_move, unit_update
from shigan.orgs.services.units_bulk import UnitDraft, unit_bulk_create

__all__ = [
    "OrgError",
    "membership_sync_mapped",
    "unit_create",
    "unit_update",
    "unit_move",
    "membership_grant",
    "membership_revoke",
    "person_create",
    "person_update",
    "person_deactivate",
    "person_reactivate",
    "UnitDraft",
    "MembershipDraft",
    "BulkOutcome",
    "BulkRejected",
    "unit_bulk_create",
    "membership_bulk_grant",
    "PersonDraft",
    "person_bulk_create",
]
