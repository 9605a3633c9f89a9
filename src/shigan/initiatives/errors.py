"""The initiatives app's coded error and every code it raises (the rules: shigan.core.errors)."""

from shigan.core.errors import DomainError, ErrorCodes

__all__ = ["ErrorCode", "InitiativeError"]


class ErrorCode(ErrorCodes):
    ALREADY_DONE = "already_done"
    AMOUNT_PRECISION = "amount_precision"
    AMOUNT_TOO_BIG = "amount_too_big"
    APPROVED_ON_REQUIRED = "approved_on_required"
    CAMPAIGN_MISMATCH = "campaign_mismatch"
    COMMENT_REQUIRED = "comment_required"
    DISBURSED_EXCEEDS = "disbursed_exceeds"
    DONE_BEFORE_START = "done_before_start"
    DUE_BEFORE_START = "due_before_start"
    DUE_ON_REST_DAY = "due_on_rest_day"
    DUPLICATE_NAME = "duplicate_name"
    DUPLICATE_TITLE = "duplicate_title"
    FINISH_BEFORE_START = "finish_before_start"
    FORBIDDEN = "forbidden"
    FUTURE_DATE = "future_date"
    INDICATOR_MISMATCH = "indicator_mismatch"
    INEXACT_AMOUNT = "inexact_amount"
    INEXACT_VALUE = "inexact_value"
    INVALID_AMOUNT = "invalid_amount"
    INVALID_AREA = "invalid_area"
    INVALID_FUND_SOURCE = "invalid_fund_source"
    INVALID_KIND = "invalid_kind"
    INVALID_LEADER = "invalid_leader"
    INVALID_MEASURE = "invalid_measure"
    INVALID_NUMBER = "invalid_number"
    INVALID_PERCENT = "invalid_percent"
    INVALID_STATE = "invalid_state"
    INVALID_VALUE = "invalid_value"
    INVALID_WEIGHT = "invalid_weight"
    KEY_TASK_HAS_REPORTS = "key_task_has_reports"
    MEASURE_HAS_REPORTS = "measure_has_reports"
    NEGATIVE_AMOUNT = "negative_amount"
    NOT_DONE = "not_done"
    NUMBER_TAKEN = "number_taken"
    PARTNER_TOO_LONG = "partner_too_long"
    REPORTED_BEFORE_APPROVAL = "reported_before_approval"
    SAME_STATE = "same_state"
    STARTS_ON_REQUIRED = "starts_on_required"
    UNIT_OUTSIDE_CAMPAIGN = "unit_outside_campaign"
    UNIT_OUTSIDE_KEY_TASK = "unit_outside_key_task"
    UNKNOWN_RESULT = "unknown_result"
    UNKNOWN_RULE = "unknown_rule"


class InitiativeError(DomainError):
    codes = ErrorCode
