"""Coded domain errors: a stable English code for the API, a Chinese message for people."""

from collections.abc import Mapping

__all__ = ["DomainError", "RowsRejected"]


class DomainError(Exception):
    """Raised by a service when a rule forbids the change; nothing has been written."""

    def __init__(self, message: str, *, code: str, field: str | None = None):
        super().__init__(str(message))
        self.message = str(message)
        self.code = code
        self.field = field

    def __str__(self) -> str:
        return self.message


class RowsRejected(DomainError):
    """A bulk service refused the whole batch; `errors` maps each refused item's index to why."""

    def __init__(self, message: str, *, errors: Mapping[int, DomainError], code: str = "rejected"):
        super().__init__(message, code=code)
        self.errors = errors
