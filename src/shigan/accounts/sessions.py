"""A limit on concurrent sessions per account (issue 16, SHIGAN_MAX_SESSIONS): each login is
recorded; when an account would have more live sessions than the limit, its oldest ones are
ended (the new login always succeeds: a user who forgot to log out elsewhere is not locked out,
and whoever holds an old stolen session loses it). Each ended session is audited."""

from importlib import import_module

from django.conf import settings
from django.contrib.sessions.backends.base import SessionBase
from django.db import transaction

from shigan.accounts.models import User, UserSession
from shigan.audit.services import audit_record

__all__ = ["session_opened", "session_closed", "sessions_end_all"]


def _store(session_key: str | None = None) -> SessionBase:
    store: SessionBase = import_module(settings.SESSION_ENGINE).SessionStore(session_key)
    return store


@transaction.atomic
def session_opened(*, user: User, session: SessionBase) -> int:
    """Record the session a login opened; end the oldest beyond the limit. Returns how many."""
    if session.session_key is None:
        session.save()
    UserSession.objects.get_or_create(session_key=session.session_key, defaults={"user": user})
    limit = settings.SHIGAN_MAX_SESSIONS
    if not limit:
        return 0
    rows = list(UserSession.objects.select_for_update().filter(user=user))
    gone = [row for row in rows if not _store().exists(row.session_key)]
    live = [row for row in rows if row not in gone]
    excess = live[: max(0, len(live) - limit)]
    for row in excess:
        _store(row.session_key).delete()
        audit_record(
            actor=user,
            action="accounts.session.ended",
            target=user,
            after={"opened": row.created_at, "limit": limit},
        )
    UserSession.objects.filter(pk__in=[row.pk for row in gone + excess]).delete()
    return len(excess)


def session_closed(*, session_key: str | None) -> None:
    if session_key:
        UserSession.objects.filter(session_key=session_key).delete()


def sessions_end_all(*, user: User, keep: str | None = None) -> int:
    """A deactivated account, or one whose password changed, loses every session at once but
    `keep` (the session that changed the password). Returns how many live ones ended."""
    rows = UserSession.objects.filter(user=user).exclude(session_key=keep or "")
    ended = 0
    for row in rows:
        store = _store(row.session_key)
        if store.exists(row.session_key):
            store.delete()
            ended += 1
    rows.delete()
    return ended
