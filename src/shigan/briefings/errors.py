"""The briefings app's coded error and every code it raises (the rules: shigan.core.errors)."""

from shigan.core.errors import DomainError, ErrorCodes

__all__ = ["ErrorCode", "BriefingError"]


class ErrorCode(ErrorCodes):
    ALREADY_ISSUED = "already_issued"
    AS_OF_REQUIRED = "as_of_required"
    BATCH_MISMATCH = "batch_mismatch"
    CAMPAIGN_MISMATCH = "campaign_mismatch"
    FORBIDDEN = "forbidden"
    NAME_REQUIRED = "name_required"
    NAME_TAKEN = "name_taken"
    TEMPLATE_FAILED = "template_failed"
    TEMPLATE_INVALID = "template_invalid"
    TEXT_REQUIRED = "text_required"
    UNIT_OUTSIDE_CAMPAIGN = "unit_outside_campaign"


class BriefingError(DomainError):
    codes = ErrorCode
