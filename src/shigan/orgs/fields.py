from typing import TYPE_CHECKING, Any

from django.db import models
from django.db.backends.base.base import BaseDatabaseWrapper

__all__ = ["PathField"]


if TYPE_CHECKING:
    _CharField = models.CharField[str, str]
else:  # Django's fields take no type arguments at run time
    _CharField = models.CharField


class PathField(_CharField):
    """A materialised path compared byte by byte on every backend.

    Subtree queries use the range `path >= p AND path < p_next`; on PostgreSQL that needs the
    "C" collation (SQLite compares bytes already).
    """

    def db_parameters(self, connection: BaseDatabaseWrapper) -> dict[str, Any]:
        params = super().db_parameters(connection)
        if connection.vendor == "postgresql":
            params["collation"] = "C"
        return params
