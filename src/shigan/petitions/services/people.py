"""Petitioners as one user may see them: in the clear where the user holds the right (each such
read audited), masked elsewhere."""

from collections.abc import Sequence
from dataclasses import dataclass

from django.db import transaction

from shigan.audit.services import AuditItem, audit_record_many
from shigan.petitions import crypto
from shigan.petitions.access import can_reveal
from shigan.petitions.models import Petition, Petitioner

__all__ = ["PetitionerView", "petitioners_read"]


@dataclass(frozen=True)
class PetitionerView:
    """A petitioner as one user may see them: in the clear, or masked."""

    name: str
    id_number: str
    phone: str
    address: str
    masked: bool


def _masked(p: Petitioner) -> PetitionerView:
    return PetitionerView(
        name=crypto.mask_name(crypto.decrypt(p.name_enc)),
        id_number=crypto.mask_id_number(crypto.decrypt(p.id_number_enc)),
        phone=crypto.mask_phone(crypto.decrypt(p.phone_enc)),
        address=crypto.mask_address(crypto.decrypt(p.address_enc)),
        masked=True,
    )


def _clear(p: Petitioner) -> PetitionerView:
    return PetitionerView(
        name=crypto.decrypt(p.name_enc),
        id_number=crypto.decrypt(p.id_number_enc),
        phone=crypto.decrypt(p.phone_enc),
        address=crypto.decrypt(p.address_enc),
        masked=False,
    )


@transaction.atomic
def petitioners_read(
    *, user, petitions: Sequence[Petition], purpose: str = "page"
) -> dict[int, list[PetitionerView]]:
    """The petitioners of each petition as `user` may see them: in the clear where the user
    holds the right (`access.can_reveal`), masked elsewhere. Each petition read in the clear
    writes one `petitions.petitioner.viewed` entry (`purpose`: page, api, export)."""
    by_petition: dict[int, list[Petitioner]] = {p.pk: [] for p in petitions}
    rows = Petitioner.objects.filter(petition__in=list(by_petition)).order_by("petition", "ordinal")
    for row in rows:
        by_petition[row.petition_id].append(row)
    views: dict[int, list[PetitionerView]] = {}
    revealed: list[Petition] = []
    for petition in petitions:
        clear = can_reveal(user, petition)
        views[petition.pk] = [(_clear if clear else _masked)(r) for r in by_petition[petition.pk]]
        if clear:
            revealed.append(petition)
    if revealed:
        audit_record_many(
            actor=user,
            action="petitions.petitioner.viewed",
            items=(
                AuditItem(
                    "petitions.petition",
                    str(p.pk),
                    str(p),
                    None,
                    {"purpose": purpose, "handling_unit": p.handling_unit_id},
                )
                for p in revealed
            ),
        )
    return views
