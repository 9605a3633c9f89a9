"""Background job kinds of the unit tree: importing and exporting units, memberships and the
roster of people."""

from collections.abc import Callable

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from shigan.core.job_kinds import Progress
from shigan.core.jobs import (
    import_options,
    job_record_import,
    job_write_export,
    register_job_kind,
)
from shigan.core.models import Job
from shigan.orgs.exports import MembershipExporter, PersonExporter, UnitExporter
from shigan.orgs.imports import MembershipImporter, PersonImporter, UnitImporter

__all__ = ["IMPORTERS", "EXPORTERS"]

IMPORTERS = {"units": UnitImporter, "memberships": MembershipImporter, "people": PersonImporter}
EXPORTERS = {"units": UnitExporter, "memberships": MembershipExporter, "people": PersonExporter}


Handler = Callable[[Job, Progress], bool]


def _import(sheet: str) -> Handler:
    def handler(job: Job, progress: Progress) -> bool:
        if job.unit is None:
            job.message = _("导入所在的单位已不存在。")
            return False
        importer = IMPORTERS[sheet](
            actor=job.created_by,
            unit=job.unit,
            **import_options(job),
            default_year=job.params.get("default_year"),
            progress=progress,
        )
        with job.input_file.open("rb") as handle:
            data = handle.read()
        result = importer.run(data, job.input_name)
        return job_record_import(job, result)

    return handler


def _export(sheet: str) -> Handler:
    def handler(job: Job, progress: Progress) -> bool:
        if job.unit is None:
            job.message = _("要导出的单位已不存在。")
            return False
        exporter = EXPORTERS[sheet](user=job.created_by, unit=job.unit)
        return job_write_export(job, exporter, progress)

    return handler


register_job_kind("orgs.units.import", gettext_lazy("导入单位"), _import("units"))
register_job_kind("orgs.memberships.import", gettext_lazy("导入角色授权"), _import("memberships"))
register_job_kind("orgs.units.export", gettext_lazy("导出单位"), _export("units"))
register_job_kind("orgs.memberships.export", gettext_lazy("导出角色授权"), _export("memberships"))
register_job_kind("orgs.people.import", gettext_lazy("导入人员名册"), _import("people"))
register_job_kind("orgs.people.export", gettext_lazy("导出人员名册"), _export("people"))
