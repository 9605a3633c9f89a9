from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

__all__ = ["Submission", "ApiRequest"]


class Submission(models.Model):
    """A page's form, submitted (core.submissions): the same form submitted again — a double
    tap on a slow phone, a browser's retry, the back button — is answered with where the
    first submission led, and is not applied again."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("用户"), on_delete=models.CASCADE, related_name="+"
    )
    key = models.CharField(_("表单标识"), max_length=32)
    location = models.CharField(_("提交结果页"), max_length=2000, blank=True)
    created_at = models.DateTimeField(_("提交时间"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("表单提交")
        verbose_name_plural = _("表单提交")
        constraints = [models.UniqueConstraint(fields=["user", "key"], name="core_submission_once")]

    def __str__(self) -> str:
        return self.key


class ApiRequest(models.Model):
    """An API write sent with an `Idempotency-Key` (core.idempotency): the same key from the
    same caller again — a client retrying after a timeout — gets the first answer replayed and
    is not applied again."""

    principal = models.CharField(_("调用方"), max_length=80)
    key = models.CharField(_("幂等键"), max_length=255)
    request = models.CharField(_("请求"), max_length=2100)
    status = models.PositiveSmallIntegerField(_("响应状态"), null=True, blank=True)
    content_type = models.CharField(_("响应类型"), max_length=200, blank=True)
    location = models.CharField(_("响应地址"), max_length=2000, blank=True)
    body = models.BinaryField(_("响应内容"), blank=True, default=b"")
    created_at = models.DateTimeField(_("提交时间"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("接口写请求")
        verbose_name_plural = _("接口写请求")
        constraints = [
            models.UniqueConstraint(fields=["principal", "key"], name="core_api_request_once")
        ]

    def __str__(self) -> str:
        return self.key
