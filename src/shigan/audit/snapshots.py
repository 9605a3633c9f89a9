"""A record's fields as a service's audit entry keeps them (its `before` and `after`)."""

from collections.abc import Iterable

from django.db.models import Model
from django.db.models.fields.files import FieldFile

from shigan.audit.services import Snapshot

__all__ = ["snapshot"]


def snapshot(record: Model, fields: Iterable[str]) -> Snapshot:
    """The fields' values: related records by id, files by name."""
    out: Snapshot = {}
    for name in fields:
        value = getattr(record, name)
        out[name] = (
            value.name or "" if isinstance(value, FieldFile) else getattr(value, "pk", value)
        )
    return out
