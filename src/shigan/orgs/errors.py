"""The orgs app's coded error and every code it raises (the rules: shigan.core.errors)."""

from shigan.core.errors import DomainError, ErrorCodes

__all__ = ["ErrorCode", "OrgError"]


class ErrorCode(ErrorCodes):
    BAD_CODE = "bad_code"
    BAD_DEPTH = "bad_depth"
    BAD_DIVISION_FILE = "bad_division_file"
    BAD_PROVINCE = "bad_province"
    DUPLICATE_MEMBERSHIP = "duplicate_membership"
    DUPLICATE_NAME = "duplicate_name"
    FORBIDDEN = "forbidden"
    INVALID_KIND = "invalid_kind"
    INVALID_PHONE = "invalid_phone"
    INVALID_RANK = "invalid_rank"
    INVALID_ROLE = "invalid_role"
    MOVE_INTO_DESCENDANT = "move_into_descendant"
    NAME_REQUIRED = "name_required"
    NAME_TOO_LONG = "name_too_long"
    NAME_WITH_POST = "name_with_post"
    NO_PARENT = "no_parent"
    PARENT_INVALID = "parent_invalid"
    SAME_PARENT = "same_parent"
    SELF_REVOKE = "self_revoke"
    SEPARATION = "separation"
    SHORT_NAME_TOO_LONG = "short_name_too_long"
    SYSTEM_ACCOUNT = "system_account"
    UNCHANGED = "unchanged"
    UNKNOWN_USER = "unknown_user"


class OrgError(DomainError):
    codes = ErrorCode
