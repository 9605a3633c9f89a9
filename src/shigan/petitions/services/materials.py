"""A petition's materials: encrypted when added, decrypted only for a user holding the right
(audited)."""

import hashlib
import uuid

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils.translation import gettext as _

from shigan.audit.services import audit_record
from shigan.core import uploads
from shigan.petitions import crypto
from shigan.petitions.access import can_reveal
from shigan.petitions.errors import ErrorCode
from shigan.petitions.models import Petition, PetitionAttachment
from shigan.petitions.services.base import PetitionError, _locked, _require_handler_or_agent

__all__ = ["petition_attachment_add", "attachment_read"]


def _attach(actor, petition: Petition, checked) -> PetitionAttachment:
    data = b"".join(checked.file.chunks())
    token = crypto.encrypt_bytes(data)
    attachment = PetitionAttachment(
        petition=petition,
        original_name=checked.name,
        content_type=checked.mime,
        size=checked.size,
        sha256=checked.sha256,
        uploaded_by=actor,
    )
    attachment.file.save(f"{uuid.uuid4().hex}.enc", ContentFile(token), save=False)
    attachment.save()
    audit_record(
        actor=actor,
        action="petitions.attachment.added",
        target=petition,
        after={"attachment": attachment.pk, "size": checked.size, "sha256": checked.sha256},
    )
    return attachment


@transaction.atomic
def petition_attachment_add(*, actor, petition: Petition, file) -> PetitionAttachment:
    petition = _locked(petition)
    _require_handler_or_agent(actor, petition)
    return _attach(actor, petition, uploads.check(file))


@transaction.atomic
def attachment_read(*, user, attachment: PetitionAttachment) -> bytes:
    """A material's content, decrypted, for a user holding the right; audited."""
    petition = attachment.petition
    if not can_reveal(user, petition):
        raise PetitionError(_("您无权查看信访人材料。"), code=ErrorCode.FORBIDDEN)
    with attachment.file.open("rb") as handle:
        data = crypto.decrypt_bytes(handle.read())
    if hashlib.sha256(data).hexdigest() != attachment.sha256:
        raise PetitionError(_("材料文件已损坏。"), code=ErrorCode.CORRUPT)
    audit_record(
        actor=user,
        action="petitions.attachment.viewed",
        target=petition,
        after={"attachment": attachment.pk},
    )
    return data
