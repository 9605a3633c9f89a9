"""Writes on the problem ledger. Every step of a problem's life is one of these services: it
locks the problem row, checks the state and the actor's right, writes the transition row, the
audit entry and the metric facts in one transaction, or raises a coded `ProblemError` and
writes nothing. One module per entity; the bulk forms (importers, the demo loader) sit beside
the single ones and share `bulk`.

Lifecycle (问题整改):
  open ──(first measure or progress report)──▶ in_progress
  in_progress / reopened ──closeout_submit (needs evidence)──▶ pending_review
  pending_review ──closeout_decide(accept)──▶ closed
                                 (a long-term problem: back to in_progress with its next checkpoint)
  pending_review ──closeout_decide(reject, reason)──▶ reopened
Deadlines move only by an extension request that a reviewer above approves.

Evidence rule for a close-out: the problem must have at least one evidence file — uploaded
with the close-out itself, with one of its progress reports, or on its own.

The names below are the app's write API, imported as `from shigan.problems import services`
by the views, the importers, other apps, the demo and the tests.
"""

from shigan.problems.services.base import ProblemError
from shigan.problems.services.bulk import ProblemBulkRejected
from shigan.problems.services.closeouts import (
    check_unfinished,
    closeout_decide,
    closeout_decide_many,
    closeout_submit,
    notify_closeouts_submitted,
)
from shigan.problems.services.closeouts_bulk import (
    CloseOutDraft,
    closeout_bulk_record_accepted,
    closeout_bulk_submit,
)
from shigan.problems.services.evidence import evidence_add, evidence_add_many
from shigan.problems.services.extensions import extension_decide, extension_request
from shigan.problems.services.measures import (
    MeasureDraft,
    measure_add,
    measure_bulk_add,
    measure_bulk_complete,
    measure_complete,
)
from shigan.problems.services.problems import (
    ProblemDraft,
    problem_bulk_create,
    problem_create,
    problem_set_state,
    problem_update,
)
from shigan.problems.services.programs import special_program_assign, special_program_create
from shigan.problems.services.progress import (
    ProgressDraft,
    progress_report_add,
    progress_report_bulk_add,
)
from shigan.problems.services.rules import rule_create, rule_issue, rule_link_problems
from shigan.problems.watch import problems_watch

__all__ = [
    "ProblemError",
    "problem_create",
    "problem_update",
    "problem_set_state",
    "measure_add",
    "measure_complete",
    "progress_report_add",
    "evidence_add",
    "evidence_add_many",
    "closeout_submit",
    "check_unfinished",
    "notify_closeouts_submitted",
    "closeout_decide",
    "extension_request",
    "extension_decide",
    "special_program_create",
    "special_program_assign",
    "rule_create",
    "rule_issue",
    "rule_link_problems",
    "problems_watch",
    "ProblemDraft",
    "MeasureDraft",
    "ProblemBulkRejected",
    "problem_bulk_create",
    "measure_bulk_add",
    "measure_bulk_complete",
    "progress_report_bulk_add",
    "closeout_bulk_submit",
    "closeout_decide_many",
    "closeout_bulk_record_accepted",
    "ProgressDraft",
    "CloseOutDraft",
]
