"""Background job kind of petitions: importing an intake sheet.

The uploaded sheet holds petitioners' personal data, so the view hands `job_create` the sheet
already encrypted (Fernet) and this handler decrypts it in memory; the error report masks
personal cells. Exports do not run as jobs: a job result would be a plaintext file at rest.
"""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from shigan.core.jobs import (
    import_options,
    job_record_import,
    register_job_kind,
)
from shigan.petitions import crypto
from shigan.petitions.imports import PetitionImporter, mask_errors
from shigan.petitions.models import Agent

__all__ = ["IMPORT_KIND"]

IMPORT_KIND = "petitions.petitions.import"


def _import(job, progress) -> bool:
    agent = Agent.objects.select_related("unit").filter(pk=job.params.get("agent")).first()
    if agent is None or not agent.active:
        job.message = _("登记信访件的代办员已不在岗。")
        return False
    importer = PetitionImporter(
        actor=job.created_by,
        agent=agent,
        **import_options(job),
        progress=progress,
    )
    with job.input_file.open("rb") as handle:
        data = crypto.decrypt_bytes(handle.read())
    result = importer.run(data, job.input_name)
    mask_errors(result)
    return job_record_import(job, result)


register_job_kind(IMPORT_KIND, gettext_lazy("导入信访件"), _import)
