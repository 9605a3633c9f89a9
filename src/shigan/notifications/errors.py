"""The notifications app's coded error and every code it raises (the rules: shigan.core.errors)."""

from shigan.core.errors import DomainError, ErrorCodes

__all__ = ["ErrorCode", "NotificationError"]


class ErrorCode(ErrorCodes):
    FORBIDDEN = "forbidden"
    INVALID_ID = "invalid_id"
    INVALID_MOBILE = "invalid_mobile"
    NOT_FAILED = "not_failed"
    SMS_GONE = "sms_gone"
    TEXT_REQUIRED = "text_required"


class NotificationError(DomainError):
    codes = ErrorCode
