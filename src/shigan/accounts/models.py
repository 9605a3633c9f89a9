from typing import Any, ClassVar

from django.contrib.auth.models import AbstractUser, AnonymousUser, UserManager
from django.contrib.auth.password_validation import validate_password
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from shigan.accounts.choices import SystemRole

__all__ = ["User", "ApiToken", "ExternalIdentity", "UserSession", "PasswordHistory"]

# 三员分立: a superuser holds the system administrator's powers (every unit, every account) and
# may hold no other administrator role.
SUPERUSER_ROLES = (SystemRole.NONE, SystemRole.SYSTEM_ADMIN)


class ShiganUserManager(UserManager["User"]):
    def create_superuser(
        self,
        username: str,
        email: str | None = None,
        password: str | None = None,
        **extra_fields: Any,
    ) -> "User":
        """`createsuperuser` makes a system administrator; asked for another role, it refuses."""
        extra_fields.setdefault("system_role", SystemRole.SYSTEM_ADMIN)
        if extra_fields["system_role"] not in SUPERUSER_ROLES:
            raise ValueError(
                "三员分立：超级用户拥有系统管理员的全部权限，不能同时担任安全管理员或审计管理员。"
            )
        if password is not None:
            # Django's command checks only at a terminal, and offers to bypass the check there;
            # the password rules (口令复杂度) hold for the most powerful account too.
            validate_password(password, self.model(username=username, email=email or ""))
        return super().create_superuser(username, email, password, **extra_fields)

    def people(self) -> "models.QuerySet[User]":
        """Every account a person holds: the system's own account is not one of them."""
        return self.filter(is_system=False)


class User(AbstractUser):
    full_name = models.CharField(_("姓名"), max_length=100, blank=True)
    system_role = models.CharField(
        _("系统角色"),
        max_length=20,
        choices=SystemRole.choices,
        default=SystemRole.NONE,
        blank=True,
    )
    # Password ageing (SHIGAN_PASSWORD_MAX_AGE_DAYS); None: never changed since the account
    # was made (date_joined counts).
    password_changed_at = models.DateTimeField(_("密码修改时间"), null=True, blank=True)
    # The one account the system itself acts as (shigan.core.actors): never a person, never
    # logs in, never listed or counted among the users.
    is_system = models.BooleanField(_("系统账号"), default=False, editable=False)

    objects: ClassVar[ShiganUserManager] = ShiganUserManager()
    # Set on the system account by `accounts.system_actor(reason)`, never stored.
    system_reason: str

    class Meta:
        verbose_name = _("用户")
        verbose_name_plural = _("用户")
        constraints = [
            models.CheckConstraint(
                condition=Q(is_superuser=False) | Q(system_role__in=SUPERUSER_ROLES),
                name="superuser_only_system_admin",
                violation_error_message=_("三员分立：超级用户不能同时担任安全管理员或审计管理员。"),
            ),
            # Allowed everywhere by identity, so it must never be usable as a login.
            models.CheckConstraint(
                condition=Q(is_system=False)
                | Q(is_active=False, is_superuser=False, is_staff=False, system_role=""),
                name="system_account_inactive",
            ),
            models.UniqueConstraint(
                fields=["is_system"], condition=Q(is_system=True), name="one_system_account"
            ),
        ]

    def __str__(self) -> str:
        return self.full_name or self.username

    @property
    def is_auditor(self) -> bool:
        return self.system_role == SystemRole.AUDITOR

    @property
    def is_system_admin(self) -> bool:
        """Accounts (create, deactivate, reset a password); a superuser is one."""
        return self.is_active and (self.system_role == SystemRole.SYSTEM_ADMIN or self.is_superuser)

    @property
    def is_security_admin(self) -> bool:
        """Roles and policies (system roles, second factors, lockouts)."""
        return self.is_active and self.system_role == SystemRole.SECURITY_ADMIN

    @property
    def display_name(self) -> str:
        return self.full_name or self.username


class ApiTokenQuerySet(models.QuerySet["ApiToken"]):
    def restrict(
        self, user: "User | AnonymousUser | None", action: str = "view"
    ) -> "ApiTokenQuerySet":
        """A user sees and revokes only their own tokens (superusers included)."""
        if user is None or not user.is_authenticated:
            return self.none()
        return self.filter(user=user)

    def active(self) -> "ApiTokenQuerySet":
        """Neither revoked nor expired."""
        return self.filter(revoked_at__isnull=True, expires_at__gt=timezone.now())


class ApiToken(models.Model):
    """A named, revocable API key with a limited life (settings.SHIGAN_API_TOKEN_DAYS at most).
    Only its SHA-256 digest is stored; the key is shown once."""

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
    expires_at = models.DateTimeField(_("到期时间"))
    revoked_at = models.DateTimeField(_("撤销时间"), null=True, blank=True)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        verbose_name = _("API 令牌")
        verbose_name_plural = _("API 令牌")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.name}（{self.prefix}…）"

    @property
    def is_expired(self) -> bool:
        return self.expires_at <= timezone.now()

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None and not self.is_expired


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


class UserSession(models.Model):
    """A session opened by a login, so that the number per account can be limited
    (SHIGAN_MAX_SESSIONS): the oldest is ended when a new login would exceed it."""

    user = models.ForeignKey(
        "accounts.User", on_delete=models.CASCADE, related_name="+", verbose_name=_("用户")
    )
    session_key = models.CharField(_("会话"), max_length=40, unique=True)
    created_at = models.DateTimeField(_("登录时间"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("登录会话")
        verbose_name_plural = _("登录会话")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.user_id}@{self.created_at:%Y-%m-%d %H:%M}"


class PasswordHistory(models.Model):
    """A password an account used before (its hash, as `User.password` kept it), so that a new
    password cannot be one of the last SHIGAN_PASSWORD_HISTORY (5); older rows are deleted."""

    user = models.ForeignKey(
        "accounts.User", on_delete=models.CASCADE, related_name="+", verbose_name=_("用户")
    )
    password = models.CharField(_("密码摘要"), max_length=128)
    replaced_at = models.DateTimeField(_("停用时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("历史密码")
        verbose_name_plural = _("历史密码")
        ordering = ["-replaced_at", "-id"]
        indexes = [models.Index(fields=["user", "-replaced_at"], name="accounts_pwhistory_user")]

    def __str__(self) -> str:
        return f"{self.user_id}@{self.replaced_at:%Y-%m-%d %H:%M}"
