"""Data versions: tokens that change with the data, for caches (`core.versions`)."""

from django.db import models
from django.utils.translation import gettext_lazy as _

__all__ = ["DataVersion"]


class DataVersion(models.Model):
    """A token that changes whenever the data under `key` changes (e.g. "problems:00010002" for
    the problems of a subtree). Pages that cache what they draw put the tokens they depend on in
    the cache key, so a change is never served stale: see core/versions.py."""

    key = models.CharField(_("键"), max_length=200, primary_key=True)
    token = models.BigIntegerField(_("版本"))

    class Meta:
        verbose_name = _("数据版本")
        verbose_name_plural = _("数据版本")

    def __str__(self) -> str:
        return f"{self.key}={self.token}"
