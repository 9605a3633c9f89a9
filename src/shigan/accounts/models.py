from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _

from shigan.accounts.choices import SystemRole

__all__ = ["User"]


class User(AbstractUser):
    full_name = models.CharField(_("姓名"), max_length=100, blank=True)
    system_role = models.CharField(
        _("系统角色"),
        max_length=20,
        choices=SystemRole.choices,
        default=SystemRole.NONE,
        blank=True,
    )

    class Meta:
        verbose_name = _("用户")
        verbose_name_plural = _("用户")

    def __str__(self) -> str:
        return self.full_name or self.username

    @property
    def is_auditor(self) -> bool:
        return self.system_role == SystemRole.AUDITOR

    @property
    def display_name(self) -> str:
        return self.full_name or self.username
