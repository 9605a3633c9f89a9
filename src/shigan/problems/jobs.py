"""Background job kinds of the problem ledger: importing and exporting the 问题整改台账."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from shigan.campaigns.models import Campaign
from shigan.core.jobs import (
    import_options,
    job_record_import,
    job_write_export,
    register_job_kind,
)
from shigan.problems.exports import LedgerExporter
from shigan.problems.forms import ledger_filters
from shigan.problems.imports import LedgerImporter
from shigan.problems.selectors import default_campaign

__all__ = ["IMPORT_KIND", "EXPORT_KIND"]

IMPORT_KIND = "problems.ledger.import"
EXPORT_KIND = "problems.ledger.export"


def _import(job, progress) -> bool:
    if job.unit is None:
        job.message = _("导入所在的单位已不存在。")
        return False
    if "campaign" not in job.params:  # the command line: the unit's latest campaign
        campaign = default_campaign(unit=job.unit)
    elif job.params["campaign"]:
        campaign = Campaign.objects.filter(pk=job.params["campaign"]).first()
        if campaign is None:
            job.message = _("导入所在的主题教育已不存在。")
            return False
    else:
        campaign = None
    importer = LedgerImporter(
        actor=job.created_by,
        unit=job.unit,
        campaign=campaign,
        closeout=job.params.get("closeout", "request"),
        **import_options(job),
        progress=progress,
    )
    with job.input_file.open("rb") as handle:
        data = handle.read()
    result = importer.run(data, job.input_name)
    return job_record_import(job, result)


def _export(job, progress) -> bool:
    if job.unit is None:
        job.message = _("要导出的单位已不存在。")
        return False
    user = job.created_by
    filters = ledger_filters(user=user, unit=job.unit, data=job.params.get("filters") or {})
    exporter = LedgerExporter(user=user, unit=job.unit, criteria=filters.criteria())
    return job_write_export(job, exporter, progress)


register_job_kind(IMPORT_KIND, gettext_lazy("导入问题整改台账"), _import)
register_job_kind(EXPORT_KIND, gettext_lazy("导出问题整改台账"), _export)
