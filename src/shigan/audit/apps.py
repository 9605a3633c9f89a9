from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    name = "shigan.audit"
    label = "audit"
    verbose_name = _("审计")

    def ready(self) -> None:
        from shigan.audit import guard  # noqa: F401  registers the SQLite guard's function
        from shigan.audit.services import audit_record
        from shigan.core.auditing import set_audit_recorder

        # core (the calendar, jobs) writes its audit entries through this.
        set_audit_recorder(audit_record)
