from django.apps import AppConfig
from django.core import checks
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "shigan.notifications"
    label = "notifications"
    verbose_name = _("消息提醒")

    def ready(self):
        # Imported here: they read the models, loaded only now.
        from shigan.audit.services import audit_checkpoint_now
        from shigan.core.jobs import job_finished
        from shigan.notifications import receivers, tasks  # noqa: F401  (registers the tasks)
        from shigan.notifications.checks import outbound_addresses
        from shigan.notifications.watch import register_watcher

        checks.register(outbound_addresses)

        # The daily signed checkpoint of the audit chain (issue 16), besides every Nth entry;
        # it marks nothing, hence 0.
        register_watcher("audit_checkpoint", lambda today: audit_checkpoint_now() and 0)
        job_finished.connect(receivers.job_finished, dispatch_uid="notifications.job_finished")
