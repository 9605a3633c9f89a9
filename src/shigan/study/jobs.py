"""Background job kinds of the study ledger: importing a study sheet."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from shigan.campaigns.models import Campaign
from shigan.core.jobs import (
    import_options,
    job_record_import,
    register_job_kind,
)
from shigan.study.imports import StudyActivityImporter

__all__ = ["import_handler"]


def import_handler(job, progress) -> bool:
    if job.unit is None:
        job.message = _("导入所在的单位已不存在。")
        return False
    campaign_id = job.params.get("campaign")
    campaign = Campaign.objects.filter(pk=campaign_id).first() if campaign_id else None
    importer = StudyActivityImporter(
        actor=job.created_by,
        unit=job.unit,
        campaign=campaign,
        **import_options(job),
        default_year=job.params.get("default_year"),
        progress=progress,
    )
    with job.input_file.open("rb") as handle:
        data = handle.read()
    result = importer.run(data, job.input_name)
    return job_record_import(job, result)


register_job_kind("study.activities.import", gettext_lazy("导入学习活动"), import_handler)
