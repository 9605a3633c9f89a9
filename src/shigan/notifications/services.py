"""Sending and reading notifications. A notification is a message to one user, not a recorded
fact: no audit entry (the event it reports has its own)."""

import logging
from collections.abc import Iterable

from django.conf import settings
from django.core.mail import send_mass_mail
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from shigan.core.errors import DomainError
from shigan.notifications.models import Notification

__all__ = ["NotificationError", "notification_send", "notification_mark_read", "email_enabled"]

logger = logging.getLogger(__name__)


class NotificationError(DomainError):
    pass


def email_enabled() -> bool:
    return bool(getattr(settings, "EMAIL_HOST", ""))


def _user_ids(recipients: Iterable) -> list[int]:
    ids = {getattr(r, "pk", r) for r in recipients}
    return sorted(i for i in ids if i is not None)


@transaction.atomic
def notification_send(*, recipients: Iterable, kind: str, text: str, link: str = "") -> int:
    """One notification per recipient (users or user ids); by email too when an SMTP host is
    configured (after the transaction commits). Returns how many were written."""
    text = (text or "").strip()
    if not text:
        raise NotificationError(_("消息内容不能为空。"), code="text_required", field="text")
    ids = _user_ids(recipients)
    if not ids:
        return 0
    Notification.objects.bulk_create(
        [Notification(user_id=i, kind=kind[:60], text=text, link=(link or "")[:500]) for i in ids]
    )
    if email_enabled():
        transaction.on_commit(lambda: _email(ids, text, link))
    return len(ids)


def _email(user_ids: list[int], text: str, link: str) -> None:
    from django.contrib.auth import get_user_model

    addresses = (
        get_user_model()
        .objects.filter(pk__in=user_ids, is_active=True)
        .exclude(email="")
        .values_list("email", flat=True)
    )
    subject = _("【实干】%(text)s") % {"text": text[:40]}
    body = f"{text}\n\n{link}" if link else text
    messages = [(subject, body, settings.DEFAULT_FROM_EMAIL, [a]) for a in addresses]
    if not messages:
        return
    try:
        send_mass_mail(messages, fail_silently=False)
    except OSError:  # the message is on the notifications page anyway
        logger.exception("notification email not sent")


@transaction.atomic
def notification_mark_read(*, user, notification: Notification | None = None) -> int:
    """Mark one of the user's notifications read, or (None) all of them."""
    unread = Notification.objects.filter(user=user, read_at__isnull=True)
    if notification is not None:
        if notification.user_id != user.pk:
            raise NotificationError(_("只能标记自己的消息。"), code="forbidden")
        unread = unread.filter(pk=notification.pk)
    return unread.update(read_at=timezone.now())
