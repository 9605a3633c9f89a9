from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "shigan.notifications"
    label = "notifications"
    verbose_name = _("消息提醒")

    def ready(self):
        from shigan.audit.services import audit_checkpoint_now
        from shigan.notifications.watch import register_watcher

        # The daily signed checkpoint of the audit chain (issue 16), besides every Nth entry;
        # it marks nothing, hence 0.
        register_watcher("audit_checkpoint", lambda today: audit_checkpoint_now() and 0)

        from shigan.core.jobs import job_finished

        job_finished.connect(_job_finished, dispatch_uid="notifications.job_finished")


def _job_finished(sender, job, **kwargs):
    from shigan.notifications.services import job_finished_notice

    job_finished_notice(job=job)
