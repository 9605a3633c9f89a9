"""The campaigns app's coded error and every code it raises (the rules: shigan.core.errors)."""

from shigan.core.errors import DomainError, ErrorCodes

__all__ = ["ErrorCode", "CampaignError"]


class ErrorCode(ErrorCodes):
    BAD_DATES = "bad_dates"
    BAD_ORDER = "bad_order"
    DUPLICATE_NAME = "duplicate_name"
    FORBIDDEN = "forbidden"
    INVALID_KIND = "invalid_kind"
    INVALID_PURPOSE = "invalid_purpose"
    NAME_REQUIRED = "name_required"
    NOT_ASSIGNED = "not_assigned"
    NOT_MEMBER = "not_member"
    UNIT_NOT_ASSIGNED = "unit_not_assigned"
    UNIT_OUTSIDE_CAMPAIGN = "unit_outside_campaign"
    UNKNOWN_UNIT = "unknown_unit"
    UNKNOWN_USER = "unknown_user"


class CampaignError(DomainError):
    codes = ErrorCode
