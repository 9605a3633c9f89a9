"""Key rotation: every petitioner and material re-encrypted with the current key, batch by batch."""

import uuid
from collections.abc import Callable
from functools import partial
from pathlib import Path

from django.core.files.base import ContentFile
from django.db import transaction

from shigan.audit.services import audit_record
from shigan.petitions import crypto
from shigan.petitions.models import PetitionAttachment, Petitioner

__all__ = ["petition_keys_rotate"]

_PERSONAL = ("name_enc", "id_number_enc", "phone_enc", "address_enc")


def petition_keys_rotate(
    *, actor, batch_size: int = 500, on_batch: Callable[[str, int], None] | None = None
) -> tuple[int, int]:
    """Re-encrypt every petitioner and material with the current (first) key, so that older
    keys can then be dropped from SHIGAN_PETITION_KEY. Returns (petitioners, materials)
    re-encrypted by this run.

    Batch by batch, each its own transaction with its audit entry: an interrupted run keeps
    the batches it finished, and the next run continues where it stopped — a value already
    under the current key is recognised (it decrypts with that key alone) and left as is.
    `on_batch(what, count)` is told after each batch (the command's progress)."""
    people = _rotate_batches(Petitioner, _rotate_petitioners, batch_size, actor, on_batch)
    files = _rotate_batches(PetitionAttachment, _rotate_attachments, batch_size, actor, on_batch)
    with transaction.atomic():
        audit_record(
            actor=actor,
            action="petitions.keys.rotated",
            target_type="petitions.petitioner",
            target_id="*",
            after={"petitioners": people, "materials": files},
        )
    return people, files


def _rotate_batches(model, rotate, batch_size: int, actor, on_batch) -> int:
    done, last = 0, 0
    while True:
        with transaction.atomic():
            rows = list(
                model.objects.select_for_update().filter(pk__gt=last).order_by("pk")[:batch_size]
            )
            if not rows:
                return done
            last = rows[-1].pk
            changed = rotate(rows)
            if changed:
                audit_record(
                    actor=actor,
                    action="petitions.keys.batch_rotated",
                    target_type=model._meta.label_lower,
                    target_id=f"{rows[0].pk}-{last}",
                    after={"rows": changed},
                )
        done += changed
        if on_batch:
            on_batch(model._meta.label_lower, done)


def _rotate_petitioners(rows: list[Petitioner]) -> int:
    stale = [
        row for row in rows if any(not crypto.is_current(getattr(row, name)) for name in _PERSONAL)
    ]
    for row in stale:
        for name in _PERSONAL:
            setattr(row, name, crypto.rotate(getattr(row, name)))
    Petitioner.objects.bulk_update(stale, _PERSONAL)
    return len(stale)


def _rotate_attachments(rows: list[PetitionAttachment]) -> int:
    """Each material is written anew under a new name; the row points to it in the batch's
    transaction, and the old file is removed only once that committed (a crash leaves at
    worst an unused file, never a row without its file)."""
    changed, written = 0, []
    try:
        for attachment in rows:
            storage, old = attachment.file.storage, attachment.file.name
            assert old is not None  # an attachment row always names its file
            with attachment.file.open("rb") as handle:
                token = handle.read()
            if crypto.is_current(token):
                continue
            new = storage.save(
                f"{Path(old).parent}/{uuid.uuid4().hex}.enc",
                ContentFile(crypto.rotate_bytes(token)),
            )
            written.append((storage, new))
            attachment.file.name = new
            attachment.save(update_fields=["file"])
            transaction.on_commit(partial(storage.delete, old))
            changed += 1
    except BaseException:
        for storage, name in written:  # the batch rolls back: its new files go
            storage.delete(name)
        raise
    return changed
