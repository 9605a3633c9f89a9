"""The second factor (issue 16): a TOTP app, with one-use recovery codes, on django-otp.

Required of the system, security and audit administrators, of superusers and of whoever holds
administrator powers elsewhere (a unit administrator grants roles: the orgs app registers that
check); optional for everyone else. Whoever has a confirmed device is asked for a code at every
login. Enrolment, each verification, each failure, new recovery codes and a reset by the
security administrator are audited."""

from collections.abc import Callable

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from shigan.accounts.errors import AccountError, ErrorCode
from shigan.accounts.models import User
from shigan.audit.services import audit_record
from shigan.core.actors import is_system_actor, require_actor

__all__ = [
    "register_admin_power",
    "second_factor_required",
    "has_second_factor",
    "totp_pending",
    "second_factor_enrol",
    "second_factor_verify",
    "recovery_codes_regenerate",
    "second_factor_reset",
    "recovery_codes_left",
]

_admin_powers: list[Callable[[User], bool]] = []


def register_admin_power(check: Callable[[User], bool]) -> None:
    """An app above accounts declares a power that needs the second factor (orgs: unit admin)."""
    _admin_powers.append(check)


def second_factor_required(user: User) -> bool:
    if user.is_superuser or user.system_role:
        return True
    return any(check(user) for check in _admin_powers)


def has_second_factor(user: User) -> bool:
    return bool(TOTPDevice.objects.filter(user=user, confirmed=True).exists())


def recovery_codes_left(user: User) -> int:
    return int(StaticToken.objects.filter(device__user=user, device__confirmed=True).count())


def totp_pending(user: User) -> TOTPDevice:
    """The unconfirmed device whose secret the enrolment page shows (made once, then reused
    until confirmed, so reloading the page does not change the QR code)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("id").first()
    return device or TOTPDevice.objects.create(user=user, name="pending", confirmed=False)


def _new_recovery_codes(user: User) -> list[str]:
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name="recovery", confirmed=True)
    codes = [StaticToken.random_token() for _n in range(settings.SHIGAN_OTP_RECOVERY_CODES)]
    StaticToken.objects.bulk_create([StaticToken(device=device, token=c) for c in codes])
    return codes


def _clean(token: str) -> str:
    return "".join(str(token or "").split()).lower()


@transaction.atomic
def second_factor_enrol(*, actor: User, device: TOTPDevice, token: str) -> list[str]:
    """Confirm the pending device with a code from the app; replaces any earlier device and
    returns new recovery codes (shown this once; stored only by django-otp's own table)."""
    device = TOTPDevice.objects.select_for_update().get(pk=device.pk)
    if device.user_id != actor.pk or device.confirmed:
        raise AccountError(_("该验证设备不属于您或已启用。"), code=ErrorCode.FORBIDDEN)
    if not device.verify_token(_clean(token)):
        raise AccountError(
            _("动态口令不正确：请输入验证器 App 中当前显示的 6 位数字。"),
            code=ErrorCode.BAD_TOKEN,
            field="token",
        )
    TOTPDevice.objects.filter(user=actor).exclude(pk=device.pk).delete()
    device.confirmed, device.name = True, "totp"
    device.save(update_fields=["confirmed", "name"])
    codes = _new_recovery_codes(actor)
    audit_record(actor=actor, action="accounts.otp.enrolled", target=actor)
    return codes


def second_factor_verify(*, user: User, token: str) -> TOTPDevice | StaticDevice | None:
    """The device that accepts `token` (a TOTP code or a recovery code, which is used up), or
    None. Failures are audited and slowed down by django-otp's throttling."""
    token = _clean(token)
    with transaction.atomic():
        for device in TOTPDevice.objects.select_for_update().filter(user=user, confirmed=True):
            if token.isdigit() and device.verify_token(token):
                audit_record(actor=user, action="accounts.otp.verified", target=user)
                return device
        for device in StaticDevice.objects.select_for_update().filter(user=user, confirmed=True):
            if device.verify_token(token):
                left = {"left": recovery_codes_left(user)}
                audit_record(
                    actor=user, action="accounts.otp.recovery_used", target=user, after=left
                )
                return device
    with transaction.atomic():
        audit_record(actor=user, action="accounts.otp.failed", target=user)
    return None


@transaction.atomic
def recovery_codes_regenerate(*, actor: User) -> list[str]:
    if not has_second_factor(actor):
        raise AccountError(_("请先启用动态口令。"), code=ErrorCode.NOT_ENROLLED)
    codes = _new_recovery_codes(actor)
    audit_record(actor=actor, action="accounts.otp.recovery_regenerated", target=actor)
    return codes


@transaction.atomic
def second_factor_reset(*, actor: User, user: User) -> None:
    """A lost phone: the security administrator removes a user's devices; the user enrols
    again at the next login. The system acts for the operator at the command line."""
    require_actor(actor)
    if not is_system_actor(actor) and not actor.is_security_admin:
        raise AccountError(_("只有安全管理员可以重置动态口令。"), code=ErrorCode.FORBIDDEN)
    if actor.pk == user.pk:
        raise AccountError(
            _("不能重置自己的动态口令，请由另一位安全管理员操作。"), code=ErrorCode.SELF
        )
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()
    audit_record(actor=actor, action="accounts.otp.reset", target=user)
