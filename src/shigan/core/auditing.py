"""core's own writes (the calendar, background jobs) are audited like every other, but core is the
bottom floor and the audit trail (`shigan.audit`) stands on it. The audit app hands its recorder
in when it loads (`AuditConfig.ready`); core calls it through here, in the writing transaction.
"""

from collections.abc import Callable
from typing import Any

from django.db.models import Model

__all__ = ["audit_record", "set_audit_recorder"]

# `audit_record(**entry)` → the entry written; its keyword arguments are the audit app's
Recorder = Callable[..., Model]
_recorder: Recorder | None = None


def set_audit_recorder(recorder: Recorder) -> None:
    global _recorder
    _recorder = recorder


def audit_record(**entry: Any) -> Model:
    """`shigan.audit.services.audit_record(**entry)`: one entry on the audit trail."""
    if _recorder is None:  # a write must not go unaudited because the audit app is missing
        raise RuntimeError("no audit recorder: shigan.audit is not installed or not ready")
    return _recorder(**entry)
