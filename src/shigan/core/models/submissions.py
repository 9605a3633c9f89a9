from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

__all__ = ["Submission"]


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
