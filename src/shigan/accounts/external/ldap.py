"""LDAP / Active Directory login: a Django authentication backend on the pure-Python ldap3.

(django-auth-ldap needs python-ldap, which PyPI ships as source only: it compiles against the
libldap and libsasl headers, which a machine with only Python and uv does not have.)

The steps are django-auth-ldap's: bind with the service account (or anonymously), find the
user's entry with the search filter, refuse it if it matches the disabled filter, bind as the
entry with the password given, read the groups the entry is a member of. The shigan account is
then found or linked by `external_login`.
"""

import logging
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.backends import BaseBackend
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ldap3 import BASE, SUBTREE, Connection, Server
from ldap3.core.exceptions import LDAPException
from ldap3.utils.conv import escape_filter_chars

from shigan.accounts.external.services import ExternalLogin, external_login, external_login_refused
from shigan.accounts.models import User

__all__ = ["LdapBackend", "ldap_configured"]

logger = logging.getLogger(__name__)


def ldap_configured() -> bool:
    return bool(getattr(settings, "SHIGAN_LDAP_URL", ""))


def _connect(user: str | None, password: str | None) -> Connection:
    timeout = settings.SHIGAN_LDAP_TIMEOUT
    server = Server(settings.SHIGAN_LDAP_URL, connect_timeout=timeout)
    conn = Connection(server, user=user, password=password, receive_timeout=timeout)
    conn.open()
    if settings.SHIGAN_LDAP_START_TLS:
        conn.start_tls()
    return conn


def _first_value(attributes: dict[str, Any], name: str) -> str:
    value = attributes.get(name) or ""
    if isinstance(value, list):
        value = value[0] if value else ""
    return str(value)


class LdapBackend(BaseBackend):
    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> User | None:
        # An empty password would be an unauthenticated bind, which LDAP servers accept.
        if not ldap_configured() or not username or not password:
            return None
        try:
            login = self._directory_login(username, password)
        except LDAPException:
            logger.exception("LDAP login of %r failed", username)
            if request is not None:
                messages.error(request, _("目录服务（LDAP）暂时无法连接，请稍后再试或联系管理员。"))
            return None
        if login is None:
            return None
        return external_login(login=login, request=request)

    def _directory_login(self, username: str, password: str) -> ExternalLogin | None:
        service = _connect(settings.SHIGAN_LDAP_BIND_DN or None, settings.SHIGAN_LDAP_BIND_PASSWORD)
        try:
            if not service.bind():
                raise LDAPException(f"service bind refused: {service.result}")
            name_attr, username_attr = (
                settings.SHIGAN_LDAP_NAME_ATTR,
                settings.SHIGAN_LDAP_USERNAME_ATTR,
            )
            search = settings.SHIGAN_LDAP_USER_FILTER.format(username=escape_filter_chars(username))
            service.search(
                settings.SHIGAN_LDAP_USER_BASE,
                search,
                SUBTREE,
                attributes=[username_attr, name_attr],
            )
            entries = [e for e in service.response if e.get("type") == "searchResEntry"]
            if len(entries) != 1:  # unknown, or ambiguous: never guess which entry is meant
                return None
            dn, attributes = entries[0]["dn"], entries[0]["attributes"]
            login = ExternalLogin(
                source="ldap",
                subject=dn.lower(),
                username=_first_value(attributes, username_attr) or username,
                full_name=_first_value(attributes, name_attr),
                groups=self._groups(service, dn),
            )
            disabled = settings.SHIGAN_LDAP_DISABLED_FILTER
            if disabled and service.search(dn, disabled, BASE, attributes=["1.1"]):
                # Told apart in the audit trail only: the page does not say whether the
                # account exists before the password is known to be right.
                external_login_refused(login=login, reason="disabled")
                return None
        finally:
            service.unbind()
        person = _connect(dn, password)
        try:
            return login if person.bind() else None
        finally:
            person.unbind()

    def _groups(self, service: Connection, dn: str) -> tuple[str, ...]:
        if not settings.SHIGAN_LDAP_GROUP_BASE:
            return ()
        search = settings.SHIGAN_LDAP_GROUP_FILTER.format(dn=escape_filter_chars(dn))
        service.search(settings.SHIGAN_LDAP_GROUP_BASE, search, SUBTREE, attributes=["1.1"])
        return tuple(e["dn"] for e in service.response if e.get("type") == "searchResEntry")

    def get_user(self, user_id: Any) -> User | None:
        return User.objects.filter(pk=user_id, is_active=True).first()
