from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _

from shigan.accounts.choices import SystemRole

__all__ = ["User", "ApiToken", "ExternalIdentity"]


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


class ApiTokenQuerySet(models.QuerySet):
    def restrict(self, user, action: str = "view"):
        """A user sees and revokes only their own tokens (superusers included)."""
        if user is None or not user.is_authenticated:
            return self.none()
        return self.filter(user=user)

    def active(self):
        return self.filter(revoked_at__isnull=True)


class ApiToken(models.Model):
    """A named, revocable API key. Only its SHA-256 digest is stored; the key is shown once."""

    user = models.ForeignKey(
        "accounts.User",
        verbose_name=_("用户"),
        on_delete=models.CASCADE,
        related_name="api_tokens",
    )
    name = models.CharField(_("名称"), max_length=100)
    key_hash = models.CharField(_("令牌摘要"), max_length=64, unique=True)
    prefix = models.CharField(_("令牌前缀"), max_length=16)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("最近使用时间"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("撤销时间"), null=True, blank=True)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        verbose_name = _("API 令牌")
        verbose_name_plural = _("API 令牌")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.name}（{self.prefix}…）"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None


class ExternalIdentity(models.Model):
    """A person's account at an external login (LDAP, OIDC, CAS) tied to their shigan account.

    Made on the first external login, by the configured attribute; later logins find the account
    by (source, subject) alone, so a renamed shigan user name does not unlink it. `granted` keeps
    the (unit, role) pairs that the group → role mapping gave, so that a group left is a role
    taken back, while roles granted by hand stay as they are."""

    user = models.ForeignKey(
        "accounts.User",
        verbose_name=_("用户"),
        on_delete=models.CASCADE,
        related_name="external_identities",
    )
    source = models.CharField(_("登录方式"), max_length=10)
    subject = models.CharField(_("外部标识"), max_length=255)
    linked_at = models.DateTimeField(_("关联时间"), auto_now_add=True)
    last_login_at = models.DateTimeField(_("最近登录时间"), null=True, blank=True)
    granted = models.JSONField(_("映射授予的角色"), default=list, blank=True)

    class Meta:
        verbose_name = _("外部账号")
        verbose_name_plural = _("外部账号")
        constraints = [
            models.UniqueConstraint(
                fields=["source", "subject"], name="accounts_external_identity_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.source}:{self.subject}"
