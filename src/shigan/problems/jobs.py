"""Background job kinds of the problem ledger: importing and exporting the 问题整改台账."""

import io
import tempfile
from pathlib import Path

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from shigan.campaigns.models import Campaign
from shigan.core.jobs import job_save_result, register_job_kind
from shigan.core.spreadsheets.importers import ImportMode, error_report
from shigan.problems.exports import LedgerExporter
from shigan.problems.forms import ledger_filters
from shigan.problems.imports import LedgerImporter

__all__ = ["IMPORT_KIND", "EXPORT_KIND"]

IMPORT_KIND = "problems.ledger.import"
EXPORT_KIND = "problems.ledger.export"


def _import(job, progress) -> bool:
    if job.unit is None:
        job.message = _("导入所在的单位已不存在。")
        return False
    campaign = None
    if job.params.get("campaign"):
        campaign = Campaign.objects.filter(pk=job.params["campaign"]).first()
        if campaign is None:
            job.message = _("导入所在的主题教育已不存在。")
            return False
    importer = LedgerImporter(
        actor=job.created_by,
        unit=job.unit,
        campaign=campaign,
        mode=job.params.get("mode", ImportMode.ALL_OR_NOTHING),
        progress=progress,
    )
    with job.input_file.open("rb") as handle:
        data = handle.read()
    result = importer.run(data, job.input_name)
    job.total = job.done = result.total
    job.summary = result.summary()
    job.message = result.message
    if result.errors:
        stem = Path(job.input_name).stem or "import"
        job_save_result(job, f"{stem}-错误报告.xlsx", error_report(result))
    return not result.errors or result.committed


def _export(job, progress) -> bool:
    if job.unit is None:
        job.message = _("要导出的单位已不存在。")
        return False
    user = job.created_by
    filters = ledger_filters(user=user, unit=job.unit, data=job.params.get("filters") or {})
    exporter = LedgerExporter(user=user, unit=job.unit, criteria=filters.criteria())
    fmt = job.params.get("format", "xlsx")
    with tempfile.TemporaryFile() as handle:
        if fmt == "csv":
            text = io.TextIOWrapper(handle, encoding="utf-8", newline="")
            count = exporter.write_csv(text, progress=progress)
            text.flush()
            text.detach()
        else:
            count = exporter.write_xlsx(handle, progress=progress)
        handle.seek(0)
        job_save_result(job, exporter.filename(fmt), handle.read())
    job.total = job.done = count
    job.summary = {"rows": count}
    job.message = _("已导出 %(n)d 行。") % {"n": count}
    return True


register_job_kind(IMPORT_KIND, gettext_lazy("导入问题整改台账"), _import)
register_job_kind(EXPORT_KIND, gettext_lazy("导出问题整改台账"), _export)
