"""The research app's coded error and every code it raises (the rules: shigan.core.errors)."""

from shigan.core.errors import DomainError, ErrorCodes

__all__ = ["ErrorCode", "ResearchError"]


class ErrorCode(ErrorCodes):
    ADOPTED_ON_REQUIRED = "adopted_on_required"
    ALREADY_ADOPTED = "already_adopted"
    ASPECT_MISMATCH = "aspect_mismatch"
    BAD_DAY = "bad_day"
    BAD_DEADLINE = "bad_deadline"
    BAD_KIND = "bad_kind"
    BAD_STATE = "bad_state"
    COMMENTS_REQUIRED = "comments_required"
    CONCLUDED = "concluded"
    DUPLICATE_TITLE = "duplicate_title"
    FORBIDDEN = "forbidden"
    INVALID_KIND = "invalid_kind"
    INVALID_STATE = "invalid_state"
    INVALID_VERDICT = "invalid_verdict"
    LEAD_REQUIRED = "lead_required"
    NO_PLAN = "no_plan"
    NO_TARGETS = "no_targets"
    NOT_ADOPTED = "not_adopted"
    NOT_DRAFTING = "not_drafting"
    NOT_IN_GROUP = "not_in_group"
    NOT_REPORTED = "not_reported"
    NOT_RESEARCHING = "not_researching"
    NOT_STARTED = "not_started"
    NOT_SUBMITTED = "not_submitted"
    NOTE_REQUIRED = "note_required"
    NOTE_TOO_LONG = "note_too_long"
    PLACE_OUTSIDE_CAMPAIGN = "place_outside_campaign"
    PLAN_NOT_APPROVED = "plan_not_approved"
    PROMOTED_TOO_EARLY = "promoted_too_early"
    SCOPE_OUTSIDE = "scope_outside"
    TOO_MANY_TARGETS = "too_many_targets"
    UNCHANGED = "unchanged"
    UNIT_OUTSIDE = "unit_outside"
    UNIT_OUTSIDE_CAMPAIGN = "unit_outside_campaign"
    UNKNOWN_PERSON = "unknown_person"
    UNKNOWN_PLACE = "unknown_place"
    UNKNOWN_UNIT = "unknown_unit"


class ResearchError(DomainError):
    codes = ErrorCode
