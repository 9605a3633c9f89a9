"""Coded domain errors: a stable English code for the API, a Chinese message for people.

Each app that refuses changes has an `errors` module with its error class and `ErrorCode`, the
enum of every code it raises (API clients depend on them; the schema lists them per app). The
class names its enum in `codes`, and raising it with any other code is a TypeError: a code the
enum does not list cannot reach a client. Besides the listed codes, a missing or too long text
or date is refused with `<field>_required` or `<field>_too_long` (a `FieldCode`), naming the
field.
"""

import re
from collections.abc import Mapping
from enum import StrEnum
from importlib import import_module
from typing import TYPE_CHECKING, ClassVar

from django.apps import apps
from django.utils.module_loading import module_has_submodule

if TYPE_CHECKING:  # a stub-only type: django-stubs-ext is not installed in production
    from django_stubs_ext import StrOrPromise

__all__ = [
    "CoreError",
    "DomainError",
    "ErrorCode",
    "ErrorCodes",
    "FieldCode",
    "RowsRejected",
    "error_codes_by_app",
]


class ErrorCodes(StrEnum):
    """The base of every app's `ErrorCode`: a member is a documented code."""


class FieldCode(str):
    """A code of the `<field>_required` / `<field>_too_long` family of the shared text and date
    checks: the field is the caller's, so the family is documented as a pattern."""

    PROBLEMS = ("required", "too_long")
    PATTERN = r"^[a-z][a-z0-9_]*_(required|too_long)$"

    def __new__(cls, field: str, problem: str) -> "FieldCode":
        code = f"{field}_{problem}"
        if problem not in cls.PROBLEMS or not re.match(cls.PATTERN, code):
            raise ValueError(f"not a field code: {code!r}")
        return super().__new__(cls, code)

    @classmethod
    def required(cls, field: str) -> "FieldCode":
        return cls(field, "required")

    @classmethod
    def too_long(cls, field: str) -> "FieldCode":
        return cls(field, "too_long")


class DomainError(Exception):
    """Raised by a service when a rule forbids the change; nothing has been written."""

    # The app's enum; the bare class (re-raising another app's error) takes any app's code.
    codes: ClassVar[type[ErrorCodes] | None] = None

    def __init__(
        self, message: "StrOrPromise", *, code: ErrorCodes | FieldCode, field: str | None = None
    ):
        allowed = self.codes or ErrorCodes
        if not isinstance(code, (FieldCode, allowed)):
            raise TypeError(f"{type(self).__name__}: {code!r} is not one of {allowed.__name__}")
        super().__init__(str(message))
        self.message = str(message)
        self.code = code
        self.field = field

    def __str__(self) -> str:
        return self.message


class ErrorCode(ErrorCodes):
    ALREADY_COMPLETE = "already_complete"
    ALREADY_CONFIRMED = "already_confirmed"
    BAD_FILE = "bad_file"
    DATE_RANGE = "date_range"
    DATE_REQUIRED = "date_required"
    EDITED_ELSEWHERE = "edited_elsewhere"
    EMPTY_YEAR = "empty_year"
    EVIDENCE_ACTIVE_CONTENT = "evidence_active_content"
    EVIDENCE_BAD_TYPE = "evidence_bad_type"
    EVIDENCE_BAD_ZIP = "evidence_bad_zip"
    EVIDENCE_EMPTY = "evidence_empty"
    EVIDENCE_REQUEST_TOO_BIG = "evidence_request_too_big"
    EVIDENCE_TOO_BIG = "evidence_too_big"
    EVIDENCE_TYPE_MISMATCH = "evidence_type_mismatch"
    FORBIDDEN = "forbidden"
    INVALID_KIND = "invalid_kind"
    INVALID_YEAR = "invalid_year"
    NAME_REQUIRED = "name_required"
    NAME_TOO_LONG = "name_too_long"
    NO_CALENDAR = "no_calendar"
    NO_PACKAGE_DATA = "no_package_data"
    NOT_A_PREVIEW = "not_a_preview"
    NOT_OWNER = "not_owner"
    REJECTED = "rejected"
    UNKNOWN_JOB_KIND = "unknown_job_kind"
    UNREADABLE_SHEET = "unreadable_sheet"
    WORKDAY_NOT_WEEKEND = "workday_not_weekend"


class CoreError(DomainError):
    codes = ErrorCode


class RowsRejected(DomainError):
    """A bulk service refused the whole batch; `errors` maps each refused item's index to why."""

    codes = ErrorCode

    def __init__(
        self,
        message: "StrOrPromise",
        *,
        errors: Mapping[int, DomainError],
        code: ErrorCode = ErrorCode.REJECTED,
    ) -> None:
        super().__init__(message, code=code)
        self.errors = errors


def error_codes_by_app() -> dict[str, type[ErrorCodes]]:
    """Every app's `ErrorCode`, by app label. Each app's errors module is loaded here first:
    core stands below the apps, so it finds their enums as subclasses of `ErrorCodes`."""
    for config in apps.get_app_configs():
        if config.name.startswith("shigan.") and module_has_submodule(config.module, "errors"):
            import_module(f"{config.name}.errors")
    return {
        enum.__module__.removeprefix("shigan.").removesuffix(".errors"): enum
        for enum in ErrorCodes.__subclasses__()
        if enum.__module__.startswith("shigan.") and enum.__module__.endswith(".errors")
    }
