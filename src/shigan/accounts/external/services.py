"""Writes for external logins: link the identity to a shigan account, apply the role mapping."""

from dataclasses import dataclass, field

from django.conf import settings
from django.contrib import messages
from django.db import transaction
from django.dispatch import Signal
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from shigan.accounts.external.mapping import grants_for
from shigan.accounts.models import ExternalIdentity, User
from shigan.accounts.system import system_actor
from shigan.audit.services import audit_record, audit_record_anonymous

__all__ = ["ExternalLogin", "external_login", "external_login_refused", "roles_mapped"]

# Sent with user, source, grants (list of mapping.Grant) and previous (the [unit id, role] pairs
# the mapping granted last time); the orgs app answers with the pairs now granted. A signal,
# because accounts sits below orgs and may not import it.
roles_mapped = Signal()


@dataclass(frozen=True)
class ExternalLogin:
    source: str  # "ldap", "oidc" or "cas"
    subject: str  # the stable id at the source: LDAP DN, OIDC "sub", CAS user
    username: str  # the value of the configured linking attribute
    full_name: str = ""
    groups: tuple[str, ...] = field(default_factory=tuple)


def _refuse(request: HttpRequest | None, login: ExternalLogin, reason: str, message: str) -> None:
    external_login_refused(login=login, reason=reason)
    if request is not None:
        # the view adds no second, vaguer message
        request.shigan_external_refused = True  # type: ignore[attr-defined]  # our own mark
        messages.error(request, message)


@transaction.atomic
def external_login_refused(*, login: ExternalLogin, reason: str) -> None:
    audit_record_anonymous(
        actor_name=login.username[:150],
        action="accounts.external.refused",
        target_type="accounts.user",
        target_id=login.username[:64],
        after={"source": login.source, "subject": login.subject, "reason": reason},
    )


def _link(login: ExternalLogin) -> ExternalIdentity | str:
    """The identity for a first login: tied to the account named by the linking attribute, or to
    a new account without roles. A reason string when it may not be linked."""
    username = login.username.strip()[:150]
    if not username:
        return "no_username"
    user = User.objects.select_for_update().filter(username=username).first()
    if user is not None and (user.is_superuser or user.system_role or user.is_system):
        # Break-glass and system administrators log in with their local password only: a
        # directory entry of the same name must not take their account over.
        return "local_only"
    created = user is None
    if created:
        if not getattr(settings, "SHIGAN_LOGIN_CREATE_USERS", True):
            return "no_account"
        user = User(username=username, full_name=login.full_name.strip()[:100])
        user.set_unusable_password()
        user.save()
        audit_record(
            actor=system_actor(f"{login.source} first login of {username}"[:140]),
            action="accounts.user.created",
            target=user,
            after={"username": user.username, "full_name": user.full_name, "source": login.source},
        )
    assert user is not None  # found, or created just above
    identity = ExternalIdentity.objects.create(
        user=user, source=login.source, subject=login.subject
    )
    audit_record(
        actor=user,
        action="accounts.external.linked",
        target=user,
        after={"source": login.source, "subject": login.subject, "new_account": created},
    )
    return identity


REFUSALS = {
    "no_username": lambda: _("外部账号没有提供用于关联的用户名，无法登录；请联系管理员。"),
    "local_only": lambda: _("该账号是本地管理员账号，只能使用本地密码登录。"),
    "no_account": lambda: _("实干工作台账中没有与该外部账号对应的账号；请联系管理员开通。"),
    "inactive": lambda: _("该账号已停用；请联系管理员。"),
}


@transaction.atomic
def external_login(*, login: ExternalLogin, request: HttpRequest | None = None) -> User | None:
    """The shigan account for a successful external login, linked on the first one; None (with
    a message on the request, and audited) when it may not log in. Roles change only through an
    explicitly configured group → role mapping."""
    identity = (
        ExternalIdentity.objects.select_for_update()
        .select_related("user")
        .filter(source=login.source, subject=login.subject)
        .first()
    ) or _link(login)
    if isinstance(identity, str):
        _refuse(request, login, identity, REFUSALS[identity]())
        return None
    user = identity.user
    if not user.is_active:
        _refuse(request, login, "inactive", REFUSALS["inactive"]())
        return None
    grants = grants_for(login.groups)
    if grants is not None:
        answers = roles_mapped.send(
            sender=ExternalIdentity,
            user=user,
            source=login.source,
            grants=grants,
            previous=identity.granted,
        )
        identity.granted = next((a for _r, a in answers if a is not None), identity.granted)
    identity.last_login_at = timezone.now()
    identity.save(update_fields=["granted", "last_login_at"])
    audit_record(
        actor=user,
        action="accounts.external.login",
        target=user,
        after={
            "source": login.source,
            "subject": login.subject,
            "groups": sorted(login.groups)[:50],
            "mapped": identity.granted if grants is not None else None,
        },
    )
    if request is not None and not user.is_superuser and not user.memberships.exists():
        messages.warning(request, NO_ROLE_MESSAGE())
    return user


def NO_ROLE_MESSAGE() -> str:  # noqa: N802  (a constant, translated when shown)
    return _(
        "您已通过统一身份认证登录，但还没有被授予任何单位的角色，暂时看不到任何单位的数据；"
        "请联系本单位管理员授权。"
    )
