"""Evidence files (佐证材料): checked before any is stored; a file shared by many close-outs
(an imported ledger) is stored once."""

from collections.abc import Iterable, Sequence

from django.core.files.base import File
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from shigan.audit.services import AuditItem, audit_record, audit_record_many
from shigan.core import uploads
from shigan.core.bulk import bulk_insert, reserve_ids
from shigan.problems.errors import ErrorCode
from shigan.problems.models import Evidence, Problem
from shigan.problems.services.base import ProblemError, lock_problem, refuse_closed, require_record
from shigan.problems.services.bulk import pk_of
from shigan.problems.storage import evidence_path, evidence_storage


def store_evidence(checked, *, actor, problem, progress_report=None, closeout=None) -> Evidence:
    evidence = Evidence(
        problem=problem,
        progress_report=progress_report,
        closeout=closeout,
        original_name=checked.name,
        content_type=checked.mime,
        size=checked.size,
        sha256=checked.sha256,
        uploaded_by=actor,
    )
    # The stored name is random (storage.evidence_path); only its extension comes from the
    # content check, never from the uploaded name.
    evidence.file.save(f"evidence.{checked.extension}", File(checked.file), save=False)
    try:
        evidence.save()
        audit_record(
            actor=actor,
            action="problems.evidence.added",
            target=evidence,
            after={
                "problem": problem.pk,
                "progress_report": getattr(progress_report, "pk", None),
                "closeout": getattr(closeout, "pk", None),
                "name": checked.name,
                "content_type": checked.mime,
                "size": checked.size,
                "sha256": checked.sha256,
            },
        )
    except BaseException:
        # The row is rolled back; do not leave its file behind. (A rollback of an enclosing
        # transaction after this service returned can still leave an unreferenced file in the
        # private directory: never served, as no row names it.)
        if evidence.file.name:  # set by the save above, unless that is what failed
            evidence.file.storage.delete(evidence.file.name)
        raise
    return evidence


def store_all_evidence(checked: Iterable, **kwargs) -> list[Evidence]:
    return [store_evidence(c, **kwargs) for c in checked]


@transaction.atomic
def evidence_add(*, actor, problem: Problem, file, progress_report=None) -> Evidence:
    """Attach one evidence file to a problem (or to one of its progress reports)."""
    checked = uploads.check(file)
    problem = lock_problem(problem)
    require_record(actor, problem, _lazy("您没有为该问题上传佐证材料的权限。"))
    refuse_closed(problem)
    if progress_report is not None and progress_report.problem_id != problem.pk:
        raise ProblemError(
            _("该整改进展不属于这个问题。"), code=ErrorCode.REPORT_MISMATCH, field="progress_report"
        )
    return store_evidence(checked, actor=actor, problem=problem, progress_report=progress_report)


@transaction.atomic
def evidence_add_many(
    *, actor, problem: Problem, files: Sequence, progress_report=None
) -> list[Evidence]:
    """Attach several files at once: every file is checked before any is stored, and one bad
    file refuses them all."""
    checked = uploads.check_all(files)
    if not checked:
        raise ProblemError(_("请选择要上传的文件。"), code=ErrorCode.FILES_REQUIRED, field="files")
    problem = lock_problem(problem)
    require_record(actor, problem, _lazy("您没有为该问题上传佐证材料的权限。"))
    refuse_closed(problem)
    if progress_report is not None and progress_report.problem_id != problem.pk:
        raise ProblemError(
            _("该整改进展不属于这个问题。"), code=ErrorCode.REPORT_MISMATCH, field="progress_report"
        )
    return store_all_evidence(
        checked, actor=actor, problem=problem, progress_report=progress_report
    )


def attach_shared_evidence(checked, *, actor, pairs, model) -> None:
    """Store one checked file once and attach it to many close-outs ((problem id, close-out
    id) pairs) as their evidence, each attachment audited."""
    storage = evidence_storage()
    name = storage.save(evidence_path(None, f"evidence.{checked.extension}"), checked.file)
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    ids = reserve_ids(model, len(pairs))
    bulk_insert(
        model,
        ("id", "problem", "closeout", "file", "original_name", "content_type", "size", "sha256",
         "uploaded_by", "uploaded_at"),
        (
            (pk, problem_id, closeout_id, name, checked.name, checked.mime, checked.size,
             checked.sha256, pk_of(actor), now)
            for pk, (problem_id, closeout_id) in zip(ids, pairs, strict=True)
        ),
    )  # fmt: skip
    audit_record_many(
        actor=actor,
        action="problems.evidence.added",
        items=(
            AuditItem(
                "problems.evidence",
                str(pk),
                checked.name,
                None,
                {
                    "problem": problem_id,
                    "closeout": closeout_id,
                    "name": checked.name,
                    "content_type": checked.mime,
                    "size": checked.size,
                    "sha256": checked.sha256,
                },
            )
            for pk, (problem_id, closeout_id) in zip(ids, pairs, strict=True)
        ),
    )
