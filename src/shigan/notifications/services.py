"""Sending and reading notifications. A notification is a message to one user, not a recorded
fact: no audit entry (the event it reports has its own). Its delivery outside shigan (issue 18:
WeCom, DingTalk, SMS, email) is: one Delivery row per person and message, sent by a Celery task
with retries, and audited (an SMS without its text).

The rules (rules.py) decide per kind and role: at once, in the daily digest, or the page only.
Whatever happens outside, the notice is on the person's notifications page from the start.
"""

import datetime
import logging
import re
from collections import defaultdict
from collections.abc import Iterable

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from shigan.accounts.system import system_actor
from shigan.audit.services import audit_record
from shigan.celery import app as celery_app
from shigan.core import crypto
from shigan.core.actors import is_system_actor
from shigan.core.choices import JobState
from shigan.core.job_kinds import kind_label
from shigan.notifications.channels import Address, ChannelError, channel, configured_channels
from shigan.notifications.choices import ChannelCode, DeliveryState, NoticeMode
from shigan.notifications.errors import ErrorCode, NotificationError
from shigan.notifications.models import Contact, Delivery, Notification
from shigan.notifications.rules import kind_order, kind_summary, mode_for

__all__ = [
    "NotificationError",
    "notification_send",
    "notification_mark_read",
    "email_enabled",
    "contact_set",
    "contact_address",
    "contact_masked",
    "delivery_attempt",
    "delivery_retry",
    "deliveries_release",
    "digest_send",
    "quiet_until",
]

logger = logging.getLogger(__name__)
# The Celery task that sends one delivery, named so this module need not import tasks.py.
DELIVER_TASK = "shigan.notify_deliver"

_MOBILE = re.compile(r"1[3-9]\d{9}")
DIGEST_KIND = "notifications.digest"
DIGEST_ITEMS = 10  # notices listed one by one in a digest; the count line covers them all


def email_enabled() -> bool:
    return bool(getattr(settings, "EMAIL_HOST", ""))


def _user_ids(recipients: Iterable) -> list[int]:
    ids = {getattr(r, "pk", r) for r in recipients}
    return sorted(i for i in ids if i is not None)


@transaction.atomic
def notification_send(
    *, recipients: Iterable, kind: str, text: str, link: str = "", role: str = ""
) -> int:
    """One notification per recipient (users or user ids), then out on their channel now or in
    the next digest as the rules say for `kind` and the recipients' `role` (rules.Role; "" is
    any). Returns how many were written."""
    text = (text or "").strip()
    if not text:
        raise NotificationError(_("消息内容不能为空。"), code=ErrorCode.TEXT_REQUIRED, field="text")
    ids = _user_ids(recipients)
    if not ids:
        return 0
    mode = mode_for(kind, role)
    notes = Notification.objects.bulk_create(
        [
            Notification(
                user_id=i,
                kind=kind[:60],
                text=text,
                link=(link or "")[:500],
                in_digest=mode == NoticeMode.DIGEST,
            )
            for i in ids
        ]
    )
    if mode == NoticeMode.IMMEDIATE:
        _deliver_later(_queue(notes, kind=kind[:60], text=text, link=(link or "")[:500]))
    return len(ids)


# ---------------------------------------------------------------------------------------------
# addresses


def _decrypt(token: str) -> str:
    try:
        return crypto.decrypt(token)
    except crypto.InvalidToken:  # a key lost or rotated away: the person is not reachable
        logger.warning("contact value not readable with the current keys")
        return ""


def contact_address(user, contact: Contact | None = None) -> Address:
    """The user's addresses in clear, in memory only. Without a mobile of their own, the
    roster's phone of their person is used when it is a mobile number."""
    if contact is None:
        contact = Contact.objects.filter(user=user).first()
    mobile = _decrypt(contact.mobile) if contact else ""
    if not mobile:
        phone = getattr(getattr(user, "person", None), "phone", "") or ""
        mobile = phone if _MOBILE.fullmatch(phone) else ""
    return Address(
        email=user.email or "",
        wecom_userid=_decrypt(contact.wecom_userid) if contact else "",
        dingtalk_userid=_decrypt(contact.dingtalk_userid) if contact else "",
        mobile=mobile,
    )


def _mask(code: str, value: str) -> str:
    if code == ChannelCode.EMAIL:
        name, _at, domain = value.partition("@")
        return f"{name[:1]}***@{domain}"
    if _MOBILE.fullmatch(value):
        return crypto.mask_phone(value)
    return value[:2] + "***" if len(value) > 2 else "***"


def _clean_mobile(value: str) -> str:
    value = re.sub(r"[\s-]", "", crypto.normalize(value or ""))
    value = re.sub(r"^(\+86|0086)", "", value)
    if value and not _MOBILE.fullmatch(value):
        raise NotificationError(
            _("手机号码“%(value)s”格式不正确，应为 11 位手机号。") % {"value": value},
            code=ErrorCode.INVALID_MOBILE,
            field="mobile",
        )
    return value


def _clean_id(value: str, field: str) -> str:
    value = (value or "").strip()
    if len(value) > 64 or any(c.isspace() for c in value):
        raise NotificationError(
            _("账号格式不正确：不能含空格，最长 64 个字符。"),
            code=ErrorCode.INVALID_ID,
            field=field,
        )
    return value


@transaction.atomic
def contact_set(
    *,
    actor,
    user,
    wecom_userid: str | None = None,
    dingtalk_userid: str | None = None,
    mobile: str | None = None,
) -> Contact:
    """Set where the user is reached (their own page, or an administrator); None keeps a
    value, "" clears it. The values are stored encrypted; the audit entry names the fields
    changed, not their values."""
    values = {
        "wecom_userid": None if wecom_userid is None else _clean_id(wecom_userid, "wecom_userid"),
        "dingtalk_userid": (
            None if dingtalk_userid is None else _clean_id(dingtalk_userid, "dingtalk_userid")
        ),
        "mobile": None if mobile is None else _clean_mobile(mobile),
    }
    contact = Contact.objects.select_for_update().filter(user=user).first() or Contact(user=user)
    given = {name: value for name, value in values.items() if value is not None}
    changed = sorted(
        name for name, value in given.items() if _decrypt(getattr(contact, name)) != value
    )
    for name in changed:
        setattr(contact, name, crypto.encrypt(given[name]))
    contact.save()
    if changed:
        audit_record(
            actor=actor,
            action="notifications.contact.updated",
            target=contact,
            after={"user": user.pk, "changed": changed},
        )
    return contact


def contact_masked(user) -> dict[str, str]:
    """The user's addresses as pages show them."""
    address = contact_address(user)
    return {
        "wecom_userid": _mask(ChannelCode.WECOM, address.wecom_userid)
        if address.wecom_userid
        else "",
        "dingtalk_userid": (
            _mask(ChannelCode.DINGTALK, address.dingtalk_userid) if address.dingtalk_userid else ""
        ),
        "mobile": crypto.mask_phone(address.mobile),
        "email": _mask(ChannelCode.EMAIL, address.email) if address.email else "",
    }


# ---------------------------------------------------------------------------------------------
# queueing


def _parse_clock(text: str) -> datetime.time:
    hour, _sep, minute = text.strip().partition(":")
    return datetime.time(int(hour), int(minute or 0))


def quiet_until(now: datetime.datetime | None = None) -> datetime.datetime | None:
    """The end of the quiet hours (SHIGAN_NOTIFY_QUIET_HOURS, "22:00-07:00") when `now` falls
    within them, else None."""
    spec = settings.SHIGAN_NOTIFY_QUIET_HOURS
    if not spec:
        return None
    start_text, _sep, end_text = spec.partition("-")
    start, end = _parse_clock(start_text), _parse_clock(end_text)
    local = timezone.localtime(now or timezone.now())
    clock = local.time()
    # A span across midnight (22:00-07:00) is quiet after its start or before its end.
    quiet = start <= clock < end if start <= end else clock >= start or clock < end
    if not quiet:
        return None
    day = local.date() if clock < end else local.date() + datetime.timedelta(days=1)
    return timezone.make_aware(datetime.datetime.combine(day, end), local.tzinfo)


def _pick(address: Address, channels) -> tuple[str, str] | None:
    """The first channel the person has an address for: (code, address)."""
    for c in channels:
        value = c.address_of(address)
        if value:
            return c.code, value
    return None


def _queue(notes, *, kind: str, text: str, link: str) -> list[int]:
    """A Delivery for each notice whose recipient has an address on a configured channel; the
    ids of those to send now (the others wait for the end of the quiet hours)."""
    channels = configured_channels()
    if not channels:
        return []
    users = (
        get_user_model()
        .objects.filter(pk__in=[n.user_id for n in notes], is_active=True)
        .select_related("contact", "person")
    )
    by_id = {u.pk: u for u in users}
    held = quiet_until()
    rows = []
    for note in notes:
        user = by_id.get(note.user_id)
        picked = (
            _pick(contact_address(user, getattr(user, "contact", None)), channels) if user else None
        )
        if picked is None:
            continue
        code, value = picked
        rows.append(
            Delivery(
                user_id=note.user_id,
                notification=note if note.pk else None,
                kind=kind,
                channel=code,
                address_masked=_mask(code, value),
                text=text,
                link=link,
                state=DeliveryState.HELD if held else DeliveryState.QUEUED,
                not_before=held,
            )
        )
    created = Delivery.objects.bulk_create(rows)
    return [d.pk for d in created if d.state == DeliveryState.QUEUED]


def _deliver_later(ids: list[int]) -> None:
    """Send each delivery by its Celery task once this transaction has committed (a worker
    must see the row; in the embedded default the task runs in-process)."""
    if not ids:
        return

    def send():
        for pk in ids:
            try:
                # By the task's name: tasks.py imports this module (the app registers it).
                celery_app.signature(DELIVER_TASK, args=(pk,)).delay()
            except Exception:  # broker down: the row stays 排队中 on the deliveries page
                logger.exception("delivery %s not queued", pk)

    transaction.on_commit(send)


# ---------------------------------------------------------------------------------------------
# sending


def _absolute(link: str) -> str:
    base = settings.SHIGAN_BASE_URL.rstrip("/")
    if link.startswith("/") and base:
        return base + link
    return link


def _audit_after(delivery: Delivery) -> dict:
    after = {
        "user": delivery.user_id,
        "channel": delivery.channel,
        "address": delivery.address_masked,
        "kind": delivery.kind,
        "attempts": delivery.attempts,
    }
    if delivery.channel != ChannelCode.SMS:  # SMS content is neither kept nor audited
        after["text"] = delivery.text
    if delivery.error:
        after["error"] = delivery.error
    return after


def delivery_attempt(*, delivery_id: int) -> bool:
    """Send one queued delivery. Records the outcome; returns whether to try again later."""
    delivery = Delivery.objects.select_related("user", "user__contact", "user__person").get(
        pk=delivery_id
    )
    if delivery.state != DeliveryState.QUEUED:
        return False
    try:
        out = channel(delivery.channel)
        if not out.configured():
            raise ChannelError(_("渠道已不再配置"), retry=False)
        address = contact_address(delivery.user, getattr(delivery.user, "contact", None))
        if not out.address_of(address):
            raise ChannelError(_("接收人已没有该渠道的地址"), retry=False)
        out.send(address, delivery.text, _absolute(delivery.link))
    except ChannelError as error:
        return _record_failure(delivery, error)
    _record_sent(delivery)
    return False


@transaction.atomic
def _record_sent(delivery: Delivery) -> None:
    delivery.attempts += 1
    delivery.state, delivery.sent_at, delivery.error = DeliveryState.SENT, timezone.now(), ""
    audit_record(
        actor=system_actor("通知发送"),
        action="notifications.delivery.sent",
        target=delivery,
        after=_audit_after(delivery),
    )
    if delivery.channel == ChannelCode.SMS:
        delivery.text = ""
    delivery.save(update_fields=["attempts", "state", "sent_at", "error", "text"])


@transaction.atomic
def _record_failure(delivery: Delivery, error: ChannelError) -> bool:
    delivery.attempts += 1
    delivery.error = str(error)[:1000]
    final = not error.retry or delivery.attempts >= settings.SHIGAN_NOTIFY_MAX_ATTEMPTS
    if final:
        delivery.state = DeliveryState.FAILED
        audit_record(
            actor=system_actor("通知发送"),
            action="notifications.delivery.failed",
            target=delivery,
            after=_audit_after(delivery),
        )
    delivery.save(update_fields=["attempts", "state", "error"])
    return not final


@transaction.atomic
def delivery_retry(*, actor, delivery: Delivery) -> Delivery:
    """An administrator sends a failed delivery again (after fixing the address or channel)."""
    delivery = Delivery.objects.select_for_update().get(pk=delivery.pk)
    if delivery.state != DeliveryState.FAILED:
        raise NotificationError(_("只有发送失败的消息可以重新发送。"), code=ErrorCode.NOT_FAILED)
    if delivery.channel == ChannelCode.SMS and not delivery.text:
        raise NotificationError(_("短信内容未保存，无法重新发送。"), code=ErrorCode.SMS_GONE)
    delivery.state, delivery.attempts, delivery.error = DeliveryState.QUEUED, 0, ""
    delivery.save(update_fields=["state", "attempts", "error"])
    audit_record(
        actor=actor,
        action="notifications.delivery.retried",
        target=delivery,
        after={"user": delivery.user_id, "channel": delivery.channel},
    )
    _deliver_later([delivery.pk])
    return delivery


@transaction.atomic
def deliveries_release(now: datetime.datetime | None = None) -> int:
    """Queue the deliveries held over the quiet hours that may now go (beat, every 10 min)."""
    now = now or timezone.now()
    if quiet_until(now):
        return 0
    ids = list(
        Delivery.objects.filter(state=DeliveryState.HELD, not_before__lte=now).values_list(
            "pk", flat=True
        )
    )
    Delivery.objects.filter(pk__in=ids).update(state=DeliveryState.QUEUED)
    _deliver_later(ids)
    return len(ids)


# ---------------------------------------------------------------------------------------------
# the daily digest


def _digest_text(notes: list[Notification]) -> str:
    """今日待办：待审核销号 3 件，红灯问题 2 个 — then each notice with its link."""
    notes = sorted(notes, key=lambda n: (kind_order(n.kind), n.created_at, n.pk))
    counts: dict[str, int] = defaultdict(int)
    for note in notes:
        counts[note.kind] += 1
    parts = [kind_summary(kind, n) for kind, n in counts.items()]
    lines = [_("今日待办：%(items)s") % {"items": _("，").join(parts)}]
    for note in notes[:DIGEST_ITEMS]:
        link = _absolute(note.link)
        lines.append(f"· {note.text[:120]}" + (f" {link}" if link else ""))
    if len(notes) > DIGEST_ITEMS:
        # WeCom and DingTalk texts are limited (2048 bytes): the rest is on the page.
        more = _("其余 %(n)d 条见“消息提醒”：%(link)s")
        lines.append(more % {"n": len(notes) - DIGEST_ITEMS, "link": _absolute(_list_link())})
    return "\n".join(lines)


def _list_link() -> str:
    return reverse("notifications:list")


def digest_send(now: datetime.datetime | None = None) -> int:
    """Send each user their notices waiting for the digest, as one message; returns how many
    users got one. Every waiting notice is marked digested, sent or not (no channel address:
    it is on the page)."""
    now = now or timezone.now()
    waiting = Notification.objects.filter(
        in_digest=True, digested_at__isnull=True, created_at__lte=now
    ).order_by("user_id", "kind", "created_at", "pk")
    by_user: dict[int, list[Notification]] = defaultdict(list)
    for note in waiting:
        by_user[note.user_id].append(note)
    sent = 0
    for user_id, notes in by_user.items():
        with transaction.atomic():
            ids = _queue_digest(user_id, notes)
            Notification.objects.filter(pk__in=[n.pk for n in notes]).update(digested_at=now)
            _deliver_later(ids)
        sent += bool(ids)
    return sent


def _queue_digest(user_id: int, notes: list[Notification]) -> list[int]:
    # The digest is not a notice of its own (its items are on the page): an unsaved one only
    # carries the recipient to _queue, and its Delivery points at no notification.
    text = _digest_text(notes)
    digest = Notification(user_id=user_id, kind=DIGEST_KIND, text=text)
    return _queue([digest], kind=DIGEST_KIND, text=text, link="")


@transaction.atomic
def notification_mark_read(*, user, notification: Notification | None = None) -> int:
    """Mark one of the user's notifications read, or (None) all of them."""
    unread = Notification.objects.filter(user=user, read_at__isnull=True)
    if notification is not None:
        if notification.user_id != user.pk:
            raise NotificationError(_("只能标记自己的消息。"), code=ErrorCode.FORBIDDEN)
        unread = unread.filter(pk=notification.pk)
    return unread.update(read_at=timezone.now())


def job_finished_notice(*, job) -> int:
    """Tell a job's owner that it ended (the channel rules' kind core.import): a preview to
    confirm, an import or export done, or a failure with its reason."""
    if job.created_by_id is None or is_system_actor(job.created_by):  # nobody to tell
        return 0
    name = job.input_name or kind_label(job.kind)
    if job.state != JobState.DONE:
        text = _("后台任务“%(name)s”未完成：%(reason)s") % {"name": name, "reason": job.message}
    elif job.params.get("dry_run"):
        text = _("“%(name)s”已检查完毕，请查看预览并确认导入。") % {"name": name}
    else:
        text = _("后台任务“%(name)s”已完成。") % {"name": name}
    link = reverse("core:job_detail", args=[job.pk])
    return notification_send(
        recipients=[job.created_by_id], kind="core.import", text=text, link=link
    )
