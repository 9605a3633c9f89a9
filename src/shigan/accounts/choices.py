from django.db import models
from django.utils.translation import gettext_lazy as _

__all__ = ["SystemRole"]


class SystemRole(models.TextChoices):
    """三员分立: system, security and audit administrators are separate people."""

    NONE = "", _("无")
    SYSTEM_ADMIN = "system_admin", _("系统管理员")
    SECURITY_ADMIN = "security_admin", _("安全管理员")
    AUDITOR = "auditor", _("审计管理员")
