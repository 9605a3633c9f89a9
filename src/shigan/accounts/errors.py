"""The accounts app's coded error and every code it raises (the rules: shigan.core.errors)."""

from shigan.core.errors import DomainError, ErrorCodes

__all__ = ["ErrorCode", "AccountError"]


class ErrorCode(ErrorCodes):
    ALREADY_REVOKED = "already_revoked"
    BAD_TOKEN = "bad_token"
    DUPLICATE_NAME = "duplicate_name"
    FORBIDDEN = "forbidden"
    INVALID = "invalid"
    INVALID_LIFETIME = "invalid_lifetime"
    INVALID_ROLE = "invalid_role"
    NAME_REQUIRED = "name_required"
    NAME_TOO_LONG = "name_too_long"
    NOT_ENROLLED = "not_enrolled"
    PASSWORD_REUSED = "password_reused"
    REQUIRED = "required"
    SAME_PASSWORD = "same_password"
    SELF = "self"
    SEPARATION = "separation"
    SYSTEM_ACCOUNT = "system_account"
    USERNAME_REQUIRED = "username_required"
    USERNAME_TAKEN = "username_taken"
    WEAK_PASSWORD = "weak_password"
    WRONG_PASSWORD = "wrong_password"


class AccountError(DomainError):
    codes = ErrorCode
