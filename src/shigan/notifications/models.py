"""Messages the product sends its users (逾期预警, 销号审核结果 …), read on their own page;
where each person is reached outside it (Contact), and each message sent there (Delivery)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from shigan.accounts.choices import SystemRole
from shigan.core.records import optional_fk
from shigan.notifications.choices import ChannelCode, DeliveryState

__all__ = ["Notification", "Contact", "Delivery"]


class Notification(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("接收人"),
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    # A dotted code of what the message is about, e.g. "problems.light.red".
    kind = models.CharField(_("类型"), max_length=60)
    text = models.TextField(_("内容"))
    link = models.CharField(_("链接"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("时间"), auto_now_add=True)
    read_at = models.DateTimeField(_("阅读时间"), null=True, blank=True)
    # The rules put it in the recipient's next daily digest (issue 18); set when that went out.
    in_digest = models.BooleanField(_("列入每日汇总"), default=False)
    digested_at = models.DateTimeField(_("汇总发送时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("消息")
        verbose_name_plural = _("消息")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["user", "read_at"]),
            models.Index(
                fields=["user"],
                condition=models.Q(in_digest=True, digested_at__isnull=True),
                name="notification_digest_due",
            ),
        ]

    def __str__(self) -> str:
        return self.text[:60]

    @property
    def is_read(self) -> bool:
        return self.read_at is not None


class Contact(models.Model):
    """Where a user is reached outside shigan. Every value is personal data: stored encrypted
    (core.crypto, the petitioners' mechanism) and shown masked."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("用户"),
        on_delete=models.CASCADE,
        related_name="contact",
    )
    wecom_userid = models.TextField(_("企业微信账号（密文）"), blank=True)
    dingtalk_userid = models.TextField(_("钉钉账号（密文）"), blank=True)
    mobile = models.TextField(_("手机号码（密文）"), blank=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("联系方式")
        verbose_name_plural = _("联系方式")

    def __str__(self) -> str:
        return str(self.user)


class DeliveryQuerySet(models.QuerySet):
    def restrict(self, user, action: str = "view"):
        """Deliveries (who was sent what, how it went) are the system administrator's to see
        and resend; nobody else's."""
        if (
            user is not None
            and user.is_authenticated
            and user.is_active
            and (user.is_superuser or getattr(user, "system_role", "") == SystemRole.SYSTEM_ADMIN)
        ):
            return self.all()
        return self.none()


class Delivery(models.Model):
    """One message sent (or being sent) to one person on one channel: who, what, how it went.
    A failed one stays here for the administrators; the notice itself is on the person's
    notifications page regardless."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("接收人"),
        on_delete=models.CASCADE,
        related_name="deliveries",
    )
    notification = optional_fk(
        Notification,
        _("消息"),
        related_name="deliveries",
        on_delete=models.SET_NULL,
    )
    kind = models.CharField(_("类型"), max_length=60)
    channel = models.CharField(_("渠道"), max_length=20, choices=ChannelCode.choices)
    # Only the mask of the address is kept here; the address itself is read from the Contact
    # (decrypted) when sending.
    address_masked = models.CharField(_("地址"), max_length=100, blank=True)
    # What is sent. An SMS's text is cleared once it went out (issue 18: SMS content is not
    # kept nor audited).
    text = models.TextField(_("内容"), blank=True)
    link = models.CharField(_("链接"), max_length=500, blank=True)
    state = models.CharField(
        _("状态"), max_length=10, choices=DeliveryState.choices, default=DeliveryState.QUEUED
    )
    attempts = models.PositiveSmallIntegerField(_("尝试次数"), default=0)
    error = models.TextField(_("失败原因"), blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    not_before = models.DateTimeField(_("最早发送时间"), null=True, blank=True)
    sent_at = models.DateTimeField(_("送达时间"), null=True, blank=True)

    objects = DeliveryQuerySet.as_manager()

    class Meta:
        verbose_name = _("消息推送")
        verbose_name_plural = _("消息推送")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["state", "not_before"])]

    def __str__(self) -> str:
        return f"{self.get_channel_display()} → {self.user}"
