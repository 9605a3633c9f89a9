"""The idle timeout (SESSION_COOKIE_AGE after the last request) without a session write on
every request.

Django slides the expiry by saving the session on every request (SESSION_SAVE_EVERY_REQUEST):
an UPDATE and a commit for each page view, so every reader writes. Here the session row is
saved only when its data changed or when the expiry it would get is more than `SLIDE_SECONDS`
past the stored one, so a user who keeps working stays logged in, and one idle for the
timeout is logged out, give or take that minute.
"""

import datetime

from django.contrib.sessions.backends import db
from django.contrib.sessions.middleware import SessionMiddleware
from django.contrib.sessions.models import Session
from django.http import HttpRequest, HttpResponse

__all__ = ["SessionStore", "IdleTimeoutMiddleware", "SLIDE_SECONDS"]

SLIDE_SECONDS = 60


class SessionStore(db.SessionStore):
    """The database session store, remembering the expiry of the row it loaded."""

    stored_expiry: datetime.datetime | None = None

    def _get_session_from_db(self) -> Session | None:
        row: Session | None = super()._get_session_from_db()  # type: ignore[misc]  # not in the stubs
        self.stored_expiry = row.expire_date if row else None
        return row

    async def _aget_session_from_db(self) -> Session | None:
        row: Session | None = await super()._aget_session_from_db()  # type: ignore[misc]  # not in the stubs
        self.stored_expiry = row.expire_date if row else None
        return row

    def save(self, must_create: bool = False) -> None:
        super().save(must_create)
        self.stored_expiry = self.get_expiry_date()

    def expiry_would_slide(self) -> bool:
        """Whether saving now would move the stored expiry by more than `SLIDE_SECONDS`."""
        if self.stored_expiry is None:
            return True
        moved = self.get_expiry_date() - self.stored_expiry
        return moved > datetime.timedelta(seconds=SLIDE_SECONDS)


class IdleTimeoutMiddleware(SessionMiddleware):
    """Django's session middleware, saving a loaded session also when its expiry would slide
    by more than `SLIDE_SECONDS` (with SESSION_SAVE_EVERY_REQUEST off)."""

    def process_response(self, request: HttpRequest, response: HttpResponse) -> HttpResponse:
        session = getattr(request, "session", None)
        if (
            session is not None
            and session.accessed
            and not session.modified
            and not session.is_empty()
            and session.expiry_would_slide()
        ):
            session.modified = True
        return super().process_response(request, response)
