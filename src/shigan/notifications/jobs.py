"""The daily watch as a background job an operator can start (and see the outcome of)."""

import datetime

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from shigan.core.jobs import register_job_kind
from shigan.notifications.watch import watch_run


def _run_watch(job, progress) -> bool:
    day = job.params.get("today")
    report = watch_run(datetime.date.fromisoformat(day) if day else None)
    job.summary = {"today": report.today.isoformat(), "marked": report.marked}
    if report.failed:
        job.summary["failed"] = report.failed
        job.message = _("部分检查未完成：%(names)s") % {"names": "、".join(sorted(report.failed))}
        return False
    job.message = _("已检查，标记 %(n)d 项。") % {"n": report.total}
    return True


# Not run again when its worker died: a watcher may have sent mail before the process died.
register_job_kind("watch", gettext_lazy("每日逾期检查"), _run_watch, retry=False)
