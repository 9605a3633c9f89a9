from django.db import models
from django.utils.translation import gettext_lazy as _

__all__ = ["ChannelCode", "DeliveryState", "NoticeMode"]


class ChannelCode(models.TextChoices):
    """The configured ways out (issue 18). Work notices (wecom, dingtalk) reach one person by
    their user id; group robots post to one group and @-mention the person in it."""

    WECOM = "wecom", _("企业微信工作通知")
    WECOM_ROBOT = "wecom_robot", _("企业微信群机器人")
    DINGTALK = "dingtalk", _("钉钉工作通知")
    DINGTALK_ROBOT = "dingtalk_robot", _("钉钉群机器人")
    SMS = "sms", _("短信")
    EMAIL = "email", _("电子邮件")


class DeliveryState(models.TextChoices):
    HELD = "held", _("免打扰时段暂缓")
    QUEUED = "queued", _("排队中")
    SENT = "sent", _("已送达")
    FAILED = "failed", _("发送失败")


class NoticeMode(models.TextChoices):
    """When a notice goes out on a channel (it is always on the notifications page at once)."""

    IMMEDIATE = "immediate", _("立即发送")
    DIGEST = "digest", _("每日汇总")
    OFF = "off", _("仅站内")
