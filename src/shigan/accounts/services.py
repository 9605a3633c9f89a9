"""Writes on accounts: every one audited in its own transaction."""

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from shigan.accounts.choices import SystemRole
from shigan.accounts.models import User
from shigan.audit.services import audit_record
from shigan.core.errors import DomainError

__all__ = [
    "user_create",
    "user_set_password",
    "user_login_record",
    "user_logout_record",
    "user_login_failed_record",
]


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
