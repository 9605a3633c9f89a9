"""The audit app's coded error and every code it raises (the rules: shigan.core.errors)."""

from shigan.core.errors import DomainError, ErrorCodes

__all__ = ["ErrorCode", "AuditError"]


class ErrorCode(ErrorCodes):
    FORBIDDEN = "forbidden"
    INVALID_PERIOD = "invalid_period"
    PERIOD_TOO_LONG = "period_too_long"


class AuditError(DomainError):
    codes = ErrorCode
