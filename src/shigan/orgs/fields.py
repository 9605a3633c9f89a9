from django.db import models

__all__ = ["PathField"]


class PathField(models.CharField):
    """A materialised path compared byte by byte on every backend.

    Subtree queries use the range `path >= p AND path < p_next`; on PostgreSQL that needs the
    "C" collation (SQLite compares bytes already).
    """

    def db_parameters(self, connection):
        params = super().db_parameters(connection)
        if connection.vendor == "postgresql":
            params["collation"] = "C"
        return params
