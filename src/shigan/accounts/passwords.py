"""Setting a password, for the accounts services: the validators (AUTH_PASSWORD_VALIDATORS:
length, similarity, common, numeric, character classes), then the history (neither the current
password nor one of the last SHIGAN_PASSWORD_HISTORY), then the hash is stored and the replaced
one kept. Called inside the services' transactions; they write the audit entry."""

import datetime

from django.conf import settings
from django.contrib.auth.hashers import check_password
from django.contrib.auth.password_validation import (
    password_validators_help_texts,
    validate_password,
)
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from shigan.accounts.errors import AccountError, ErrorCode
from shigan.accounts.models import PasswordHistory, User

__all__ = ["password_check", "password_help", "password_store"]


def password_help(*, history: bool) -> str:
    """What a new password must be, in the validators' own words (so the sentence follows
    AUTH_PASSWORD_VALIDATORS) and, for a change, the history's."""
    sentences = [str(text) for text in password_validators_help_texts()]
    keep = settings.SHIGAN_PASSWORD_HISTORY
    if history and keep > 0:
        sentences.append(_("新密码不能与原密码及最近 %(n)s 次用过的密码相同。") % {"n": keep})
    return " ".join(sentences)


def password_check(password: str, user: User) -> None:
    """The validators' verdict as a coded error naming the field."""
    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise AccountError(
            " ".join(exc.messages), code=ErrorCode.WEAK_PASSWORD, field="password"
        ) from exc


def _check_history(password: str, user: User) -> None:
    if user.has_usable_password() and check_password(password, user.password):
        raise AccountError(
            _("新密码不能与原密码相同。"), code=ErrorCode.SAME_PASSWORD, field="password"
        )
    keep = settings.SHIGAN_PASSWORD_HISTORY
    if keep <= 0:
        return
    recent = PasswordHistory.objects.filter(user=user).values_list("password", flat=True)[:keep]
    if any(check_password(password, encoded) for encoded in recent):
        raise AccountError(
            _("新密码不能与最近 %(n)s 次用过的密码相同。") % {"n": keep},
            code=ErrorCode.PASSWORD_REUSED,
            field="password",
        )


def _remember(user: User) -> None:
    """Keep the password being replaced; forget those older than the history."""
    if not user.has_usable_password():
        return
    PasswordHistory.objects.create(user=user, password=user.password)
    keep = max(settings.SHIGAN_PASSWORD_HISTORY, 0)
    stale = PasswordHistory.objects.filter(user=user).values_list("pk", flat=True)[keep:]
    PasswordHistory.objects.filter(pk__in=list(stale)).delete()


def password_store(*, user: User, password: str, changed_at: datetime.datetime) -> None:
    """Check `password` for an existing account and store it (the old one joins the history)."""
    password_check(password, user)
    _check_history(password, user)
    _remember(user)
    user.set_password(password)
    user.password_changed_at = changed_at
    user.save(update_fields=["password", "password_changed_at"])
