"""Writes on accounts: every one audited in its own transaction."""

import datetime
import hashlib
import secrets
from collections.abc import Callable

from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth import HASH_SESSION_KEY
from django.contrib.sessions.backends.base import SessionBase
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from shigan.accounts.choices import SystemRole
from shigan.accounts.errors import AccountError, ErrorCode
from shigan.accounts.models import ApiToken, User
from shigan.accounts.passwords import password_check, password_store
from shigan.accounts.sessions import session_opened, sessions_end_all
from shigan.audit.services import audit_record, audit_record_anonymous
from shigan.core.actors import is_system_actor, require_actor
from shigan.core.errors import DomainError

__all__ = [
    "user_create",
    "user_set_password",
    "user_login_record",
    "user_logout_record",
    "user_login_failed_record",
    "user_locked_out_record",
    "login_unlock",
    "user_change_password",
    "user_reset_password",
    "user_set_active",
    "user_set_system_role",
    "user_tokens_revoke",
    "token_create",
    "token_revoke",
    "token_hash",
    "TOKEN_PREFIX",
    "register_unit_roles_check",
]

# A password set by the system administrator counts as aged: changed at the next login.
MUST_CHANGE = datetime.datetime(2000, 1, 1, tzinfo=datetime.UTC)
TOKEN_PREFIX = "sg_"
TOKEN_PREFIX_LENGTH = 11  # "sg_" and 8 characters of the key: enough to tell tokens apart


@transaction.atomic
def user_create(
    *,
    actor: User,
    username: str,
    password: str,
    full_name: str = "",
    system_role: str = SystemRole.NONE,
) -> User:
    require_actor(actor)
    if not is_system_actor(actor) and not actor.is_system_admin:
        raise AccountError(_("只有系统管理员可以创建账号。"), code=ErrorCode.FORBIDDEN)
    if not is_system_actor(actor) and system_role:
        raise AccountError(
            _("系统角色由安全管理员授予，创建账号时不能指定。"),
            code=ErrorCode.FORBIDDEN,
            field="system_role",
        )
    username = username.strip()
    if not username:
        raise AccountError(
            _("用户名不能为空。"), code=ErrorCode.USERNAME_REQUIRED, field="username"
        )
    if User.objects.filter(username=username).exists():
        raise AccountError(
            _("用户名“%(name)s”已被使用。") % {"name": username},
            code=ErrorCode.USERNAME_TAKEN,
            field="username",
        )
    user = User(
        username=username,
        full_name=full_name.strip(),
        system_role=system_role,
        password_changed_at=timezone.now(),
    )
    password_check(password, user)
    user.set_password(password)
    _full_clean(user)
    user.save()
    audit_record(
        actor=actor,
        action="accounts.user.created",
        target=user,
        after={"username": user.username, "full_name": user.full_name, "system_role": system_role},
    )
    return user


def _full_clean(user: User) -> None:
    """The model's own checks (a user name of letters, digits and @.+-_ only …) as a clear
    message naming the field, not a server error."""
    try:
        user.full_clean()
    except ValidationError as error:
        name, messages = next(iter(error.message_dict.items()))
        # a model field's (the stubs allow a reverse relation, which has none)
        label = getattr(User._meta.get_field(name), "verbose_name", "") if name != "__all__" else ""
        message = f"{label}：{messages[0]}" if label else messages[0]
        raise AccountError(message, code=ErrorCode.INVALID, field=name) from error


def _access_revoke(
    *, actor: User, user: User, reason: str, sessions: bool, keep_session: str | None = None
) -> None:
    """Whatever the account was let in with before: its API tokens and, with `sessions`, its
    sessions but `keep_session` (the one that changed the password). Audited when anything
    was taken; inside the caller's transaction."""
    tokens = ApiToken.objects.filter(user=user, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )
    ended = sessions_end_all(user=user, keep=keep_session) if sessions else 0
    if tokens or ended:
        audit_record(
            actor=actor,
            action="accounts.user.access_revoked",
            target=user,
            after={"reason": reason, "tokens": tokens, "sessions": ended},
        )


@transaction.atomic
def user_tokens_revoke(*, actor: User, user: User, reason: str) -> None:
    """Every API token of `user` (a role taken away: orgs' membership services call it)."""
    require_actor(actor)
    _access_revoke(actor=actor, user=user, reason=reason, sessions=False)


@transaction.atomic
def user_set_password(
    *, actor: User, user: User, password: str, keep_session: str | None = None
) -> User:
    """A new password (validators and history: accounts.passwords); the account's API tokens
    and its sessions other than `keep_session` end with the old one."""
    require_actor(actor)
    _not_system_account(user)
    password_store(user=user, password=password, changed_at=timezone.now())
    audit_record(actor=actor, action="accounts.user.password_changed", target=user)
    _access_revoke(
        actor=actor, user=user, reason="password_changed", sessions=True, keep_session=keep_session
    )
    return user


@transaction.atomic
def user_change_password(
    *, actor: User, old_password: str, new_password: str, session: SessionBase | None = None
) -> User:
    """A user changes their own password (also when it has aged): the old one must be right,
    the new one neither it nor one of the last few. `session`: the one it is done from, which
    stays signed in under a new key (as after a login) and is counted again by the session
    limit, in this transaction."""
    if not actor.check_password(old_password):
        raise AccountError(_("原密码不正确。"), code=ErrorCode.WRONG_PASSWORD, field="old_password")
    keep = session.session_key if session is not None else None
    try:
        user_set_password(actor=actor, user=actor, password=new_password, keep_session=keep)
    except DomainError as error:
        error.field = "new_password"
        raise
    if session is not None:
        session.cycle_key()
        session[HASH_SESSION_KEY] = actor.get_session_auth_hash()
        session_opened(user=actor, session=session)
    return actor


def _require_system_admin(actor: User, message: str) -> None:
    require_actor(actor)
    if not is_system_actor(actor) and not actor.is_system_admin:
        raise AccountError(message, code=ErrorCode.FORBIDDEN)


def _not_system_account(user: User) -> None:
    """The system's own account stays as the migration made it: inactive, no password, no role."""
    if user.is_system:
        raise AccountError(_("系统账号不能修改。"), code=ErrorCode.SYSTEM_ACCOUNT)


@transaction.atomic
def user_reset_password(*, actor: User, user: User, password: str) -> User:
    """The system administrator sets a new password; the user must change it at the next
    login (it counts as aged)."""
    _require_system_admin(actor, _("只有系统管理员可以重置密码。"))
    _not_system_account(user)
    password_store(user=user, password=password, changed_at=MUST_CHANGE)
    audit_record(actor=actor, action="accounts.user.password_reset", target=user)
    _access_revoke(actor=actor, user=user, reason="password_reset", sessions=True)
    return user


@transaction.atomic
def user_set_active(*, actor: User, user: User, active: bool) -> User:
    _require_system_admin(actor, _("只有系统管理员可以停用或启用账号。"))
    _not_system_account(user)
    if actor.pk == user.pk:
        raise AccountError(_("不能停用自己的账号。"), code=ErrorCode.SELF)
    if user.is_active == active:
        return user
    user.is_active = active
    user.save(update_fields=["is_active"])
    action = "accounts.user.reactivated" if active else "accounts.user.deactivated"
    audit_record(actor=actor, action=action, target=user, after={"is_active": active})
    if not active:
        _access_revoke(actor=actor, user=user, reason="deactivated", sessions=True)
    return user


# Whether a user holds roles on units: orgs (a floor above) registers the check; 三员分立 keeps
# the audit administrator off every unit.
_unit_role_checks: list[Callable[[User], bool]] = []


def register_unit_roles_check(check: Callable[[User], bool]) -> None:
    if check not in _unit_role_checks:
        _unit_role_checks.append(check)


def _holds_unit_roles(user: User) -> bool:
    return any(check(user) for check in _unit_role_checks)


@transaction.atomic
def user_set_system_role(*, actor: User, user: User, system_role: str) -> User:
    """三员分立: the security administrator grants and removes the system, security and audit
    administrator roles. One account holds at most one (the field holds one); a superuser is a
    system administrator only; the auditor reads the audit trail and holds no unit role; nobody
    changes their own."""
    if system_role not in SystemRole.values:
        raise AccountError(_("系统角色无效。"), code=ErrorCode.INVALID_ROLE, field="system_role")
    require_actor(actor)
    if not is_system_actor(actor) and not actor.is_security_admin:
        raise AccountError(_("只有安全管理员可以授予或撤销系统角色。"), code=ErrorCode.FORBIDDEN)
    _not_system_account(user)
    if actor.pk == user.pk:
        raise AccountError(
            _("不能变更自己的系统角色，请由另一位安全管理员操作。"), code=ErrorCode.SELF
        )
    if user.is_superuser and system_role not in (SystemRole.NONE, SystemRole.SYSTEM_ADMIN):
        raise AccountError(
            _("三员分立：超级用户拥有系统管理员的全部权限，不能同时担任安全管理员或审计管理员。"),
            code=ErrorCode.SEPARATION,
            field="system_role",
        )
    if system_role == SystemRole.AUDITOR and _holds_unit_roles(user):
        raise AccountError(
            _("三员分立：审计管理员只能查看审计记录，请先撤销该账号在各单位的角色。"),
            code=ErrorCode.SEPARATION,
            field="system_role",
        )
    before = user.system_role
    if before == system_role:
        return user
    user.system_role = system_role
    user.save(update_fields=["system_role"])
    audit_record(
        actor=actor,
        action="accounts.user.system_role_changed",
        target=user,
        before={"system_role": before},
        after={"system_role": system_role},
    )
    if before:  # a role taken away (or swapped): what the account was let in with goes too
        _access_revoke(actor=actor, user=user, reason="system_role_revoked", sessions=False)
    return user


@transaction.atomic
def user_login_record(*, user: User) -> None:
    audit_record(actor=user, action="accounts.user.login", target=user)


@transaction.atomic
def user_logout_record(*, user: User) -> None:
    audit_record(actor=user, action="accounts.user.logout", target=user)


@transaction.atomic
def user_login_failed_record(*, username: str) -> None:
    audit_record_anonymous(
        actor_name=username[:150],
        action="accounts.user.login_failed",
        target_type="accounts.user",
        target_id=username[:64],
        after={"username": username[:150]},
    )


@transaction.atomic
def user_locked_out_record(*, username: str, ip_address: str | None) -> None:
    audit_record_anonymous(
        actor_name=username[:150],
        action="accounts.user.locked_out",
        target_type="accounts.user",
        target_id=username[:64],
        after={"username": username[:150], "ip_address": ip_address},
    )


UNLOCKERS = (SystemRole.SYSTEM_ADMIN, SystemRole.SECURITY_ADMIN)


@transaction.atomic
def login_unlock(*, actor: User, username: str = "", ip_address: str = "") -> int:
    """Lift a login lockout: a user name's (from every address, or one), or an address's. The
    actor is a system or security administrator, or the system for the command line."""
    require_actor(actor)
    if not is_system_actor(actor) and actor.system_role not in UNLOCKERS:
        raise AccountError(
            _("只有系统管理员或安全管理员可以解除登录锁定。"), code=ErrorCode.FORBIDDEN
        )
    username, ip_address = username.strip(), ip_address.strip()
    if not username and not ip_address:
        raise AccountError(
            _("请填写要解锁的用户名或 IP 地址。"), code=ErrorCode.REQUIRED, field="username"
        )
    attempts = AccessAttempt.objects.all()
    if username:
        attempts = attempts.filter(username=username)
    if ip_address:
        attempts = attempts.filter(ip_address=ip_address)
    cleared: int = attempts.delete()[0]
    audit_record(
        actor=actor,
        action="accounts.login.unlocked",
        target_type="accounts.user",
        target_id=username[:64],
        after={"username": username, "ip_address": ip_address, "cleared": cleared},
    )
    return cleared


def token_hash(key: str) -> str:
    """Tokens are 256 random bits, so a fast digest is as safe as a slow one and costs nothing."""
    return hashlib.sha256(key.encode()).hexdigest()


def _token_lifetime(days: int | None) -> datetime.timedelta:
    """`days` as a lifetime: settings.SHIGAN_API_TOKEN_DAYS at most, and by default."""
    longest = settings.SHIGAN_API_TOKEN_DAYS
    if days is None:
        return datetime.timedelta(days=longest)
    if not 1 <= days <= longest:
        raise AccountError(
            _("令牌有效期应为 1 至 %(days)s 天。") % {"days": longest},
            code=ErrorCode.INVALID_LIFETIME,
            field="days",
        )
    return datetime.timedelta(days=days)


@transaction.atomic
def token_create(
    *, actor: User, name: str, days: int | None = None, by_token: bool = False
) -> tuple[ApiToken, str]:
    """A new token for `actor`, valid `days` days (settings.SHIGAN_API_TOKEN_DAYS by default and
    at most), and its key: returned this once, stored only as a digest. Not for a caller signed
    in `by_token`: a token that makes tokens would renew itself past any expiry."""
    if by_token:
        raise AccountError(
            _("不能用 API 令牌创建新令牌，请登录网页后在“API 令牌”页面创建。"),
            code=ErrorCode.FORBIDDEN,
        )
    name = (name or "").strip()
    if not name:
        raise AccountError(_("令牌名称不能为空。"), code=ErrorCode.NAME_REQUIRED, field="name")
    if len(name) > 100:
        raise AccountError(
            _("令牌名称不能超过 100 个字。"), code=ErrorCode.NAME_TOO_LONG, field="name"
        )
    lifetime = _token_lifetime(days)
    if ApiToken.objects.restrict(actor).active().filter(name=name).exists():
        raise AccountError(
            _("已有名为“%(name)s”的有效令牌。") % {"name": name},
            code=ErrorCode.DUPLICATE_NAME,
            field="name",
        )
    key = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=actor,
        name=name,
        key_hash=token_hash(key),
        prefix=key[:TOKEN_PREFIX_LENGTH],
        expires_at=timezone.now() + lifetime,
    )
    audit_record(
        actor=actor,
        action="accounts.token.created",
        target=token,
        after={
            "name": token.name,
            "prefix": token.prefix,
            "user": actor.username,
            "expires_at": token.expires_at,
        },
    )
    return token, key


@transaction.atomic
def token_revoke(*, actor: User, token: ApiToken) -> ApiToken:
    token = ApiToken.objects.select_for_update().get(pk=token.pk)
    if token.user_id != actor.pk:
        raise AccountError(_("只能撤销自己的令牌。"), code=ErrorCode.FORBIDDEN)
    if token.revoked_at is not None:
        raise AccountError(_("该令牌已被撤销。"), code=ErrorCode.ALREADY_REVOKED)
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
