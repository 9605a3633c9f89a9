"""The petitions app's coded error and every code it raises (the rules: shigan.core.errors)."""

from shigan.core.errors import DomainError, ErrorCodes

__all__ = ["ErrorCode", "PetitionError"]


class ErrorCode(ErrorCodes):
    AGENT_NEEDS_ROLE = "agent_needs_role"
    ALREADY_AGENT = "already_agent"
    ALREADY_DECIDED = "already_decided"
    ALREADY_EXTENDED = "already_extended"
    ALREADY_OBJECTED = "already_objected"
    BAD_CATEGORY = "bad_category"
    BAD_CHANNEL = "bad_channel"
    BAD_ID_NUMBER = "bad_id_number"
    BAD_KIND = "bad_kind"
    BAD_LEVEL = "bad_level"
    BAD_PHONE = "bad_phone"
    BAD_SATISFACTION = "bad_satisfaction"
    BAD_TARGET = "bad_target"
    BAD_TOLD_BY = "bad_told_by"
    CORRUPT = "corrupt"
    DATE_TOO_EARLY = "date_too_early"
    EXTENSION_TOO_LATE = "extension_too_late"
    EXTENSION_TOO_LONG = "extension_too_long"
    FINAL_AFTER_REREVIEW = "final_after_rereview"
    FORBIDDEN = "forbidden"
    FUTURE_DATE = "future_date"
    HEARING_NOT_REREVIEW = "hearing_not_rereview"
    LIKELY_DUPLICATE = "likely_duplicate"
    NAME_REQUIRED = "name_required"
    NO_BODY = "no_body"
    NO_FURTHER_REVIEW = "no_further_review"
    NOT_ACCEPTABLE = "not_acceptable"
    NOT_ACCEPTED = "not_accepted"
    NOT_ACTIVE = "not_active"
    NOT_AGENT = "not_agent"
    NOT_NOTIFIED = "not_notified"
    NOT_REPLIED = "not_replied"
    NOT_ROUTABLE = "not_routable"
    OBJECTION_WINDOW_CLOSED = "objection_window_closed"
    REVIEW_PENDING = "review_pending"
    REVIEW_REQUEST_LATE = "review_request_late"
    TARGET_OUTSIDE = "target_outside"


class PetitionError(DomainError):
    codes = ErrorCode
