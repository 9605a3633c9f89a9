"""Writes on accounts: every one audited in its own transaction."""

import hashlib
import secrets

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from shigan.accounts.choices import SystemRole
from shigan.accounts.models import ApiToken, User
from shigan.audit.services import audit_record
from shigan.core.errors import DomainError

__all__ = [
    "user_create",
    "user_set_password",
    "user_login_record",
    "user_logout_record",
    "user_login_failed_record",
    "user_locked_out_record",
    "login_unlock",
    "token_create",
    "token_revoke",
    "token_hash",
    "TOKEN_PREFIX",
]

TOKEN_PREFIX = "sg_"
TOKEN_PREFIX_LENGTH = 11  # "sg_" and 8 characters of the key: enough to tell tokens apart


def _check_password(password: str, user: User) -> None:
    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise DomainError(" ".join(exc.messages), code="weak_password", field="password") from exc


@transaction.atomic
def user_create(
    *,
    actor: User | None,
    username: str,
    password: str,
    full_name: str = "",
    system_role: str = SystemRole.NONE,
) -> User:
    username = username.strip()
    if not username:
        raise DomainError(_("用户名不能为空。"), code="username_required", field="username")
    if User.objects.filter(username=username).exists():
        raise DomainError(
            _("用户名“%(name)s”已被使用。") % {"name": username},
            code="username_taken",
            field="username",
        )
    user = User(username=username, full_name=full_name.strip(), system_role=system_role)
    _check_password(password, user)
    user.set_password(password)
    user.full_clean()
    user.save()
    audit_record(
        actor=actor,
        action="accounts.user.created",
        target=user,
        after={"username": user.username, "full_name": user.full_name, "system_role": system_role},
    )
    return user


@transaction.atomic
def user_set_password(*, actor: User, user: User, password: str) -> User:
    _check_password(password, user)
    user.set_password(password)
    user.save(update_fields=["password"])
    audit_record(actor=actor, action="accounts.user.password_changed", target=user)
    return user


@transaction.atomic
def user_login_record(*, user: User) -> None:
    audit_record(actor=user, action="accounts.user.login", target=user)


@transaction.atomic
def user_logout_record(*, user: User) -> None:
    audit_record(actor=user, action="accounts.user.logout", target=user)


@transaction.atomic
def user_login_failed_record(*, username: str) -> None:
    audit_record(
        actor=None,
        actor_name=username[:150],
        action="accounts.user.login_failed",
        target_type="accounts.user",
        target_id=username[:64],
        after={"username": username[:150]},
    )


@transaction.atomic
def user_locked_out_record(*, username: str, ip_address: str | None) -> None:
    audit_record(
        actor=None,
        actor_name=username[:150],
        action="accounts.user.locked_out",
        target_type="accounts.user",
        target_id=username[:64],
        after={"username": username[:150], "ip_address": ip_address},
    )


UNLOCKERS = (SystemRole.SYSTEM_ADMIN, SystemRole.SECURITY_ADMIN)


@transaction.atomic
def login_unlock(*, actor: User | None, username: str = "", ip_address: str = "") -> int:
    """Lift a login lockout: a user name's (from every address, or one), or an address's. The
    actor is a system or security administrator; None is the operator at the command line."""
    from axes.models import AccessAttempt

    if actor is not None and actor.system_role not in UNLOCKERS:
        raise DomainError(_("只有系统管理员或安全管理员可以解除登录锁定。"), code="forbidden")
    username, ip_address = username.strip(), ip_address.strip()
    if not username and not ip_address:
        raise DomainError(_("请填写要解锁的用户名或 IP 地址。"), code="required", field="username")
    attempts = AccessAttempt.objects.all()
    if username:
        attempts = attempts.filter(username=username)
    if ip_address:
        attempts = attempts.filter(ip_address=ip_address)
    cleared, _by_model = attempts.delete()
    audit_record(
        actor=actor,
        actor_name="" if actor else "shigan login_unlock",
        action="accounts.login.unlocked",
        target_type="accounts.user",
        target_id=username[:64],
        after={"username": username, "ip_address": ip_address, "cleared": cleared},
    )
    return cleared


def token_hash(key: str) -> str:
    """Tokens are 256 random bits, so a fast digest is as safe as a slow one and costs nothing."""
    return hashlib.sha256(key.encode()).hexdigest()


@transaction.atomic
def token_create(*, actor: User, name: str) -> tuple[ApiToken, str]:
    """A new token for `actor`, and its key: returned this once, stored only as a digest."""
    name = (name or "").strip()
    if not name:
        raise DomainError(_("令牌名称不能为空。"), code="name_required", field="name")
    if len(name) > 100:
        raise DomainError(_("令牌名称不能超过 100 个字。"), code="name_too_long", field="name")
    if ApiToken.objects.restrict(actor).active().filter(name=name).exists():
        raise DomainError(
            _("已有名为“%(name)s”的有效令牌。") % {"name": name},
            code="duplicate_name",
            field="name",
        )
    key = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=actor, name=name, key_hash=token_hash(key), prefix=key[:TOKEN_PREFIX_LENGTH]
    )
    audit_record(
        actor=actor,
        action="accounts.token.created",
        target=token,
        after={"name": token.name, "prefix": token.prefix, "user": actor.username},
    )
    return token, key


@transaction.atomic
def token_revoke(*, actor: User, token: ApiToken) -> ApiToken:
    token = ApiToken.objects.select_for_update().get(pk=token.pk)
    if token.user_id != actor.pk:
        raise DomainError(_("只能撤销自己的令牌。"), code="forbidden")
    if token.revoked_at is not None:
        raise DomainError(_("该令牌已被撤销。"), code="already_revoked")
    token.revoked_at = timezone.now()
    token.save(update_fields=["revoked_at"])
    audit_record(
        actor=actor,
        action="accounts.token.revoked",
        target=token,
        before={"name": token.name, "prefix": token.prefix, "user": actor.username},
        after={"revoked_at": token.revoked_at},
    )
    return token
