"""The study app's coded error and every code it raises (the rules: shigan.core.errors)."""

from shigan.core.errors import DomainError, ErrorCodes

__all__ = ["ErrorCode", "StudyError"]


class ErrorCode(ErrorCodes):
    BAD_DATES = "bad_dates"
    BAD_PARTICIPANTS = "bad_participants"
    DATE_REQUIRED = "date_required"
    DUPLICATE_PARTICIPANT = "duplicate_participant"
    FORBIDDEN = "forbidden"
    INVALID_KIND = "invalid_kind"
    NOT_PARTICIPANT = "not_participant"
    PARTICIPANTS_BELOW_LEADERS = "participants_below_leaders"
    PERSON_OUTSIDE_UNIT = "person_outside_unit"
    TITLE_REQUIRED = "title_required"
    TITLE_TOO_LONG = "title_too_long"
    UNIT_OUTSIDE_CAMPAIGN = "unit_outside_campaign"


class StudyError(DomainError):
    codes = ErrorCode
