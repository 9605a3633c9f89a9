"""What many records declare alike: a nullable foreign key, and who registered a record and when.

Both keep the database as it was: the fields they build deconstruct to the same arguments as
the ones they replace (same names, columns, related names), so no migration follows from them.
"""

from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

__all__ = ["Registered", "optional_fk", "user_fk"]


def optional_fk(
    to: Any,
    verbose_name: Any,
    *,
    related_name: str = "+",
    on_delete: Any = models.PROTECT,
    **options: Any,
) -> "models.ForeignKey[Any, Any]":
    """A foreign key a record may leave empty (null in the database, blank in forms); the
    target gets no reverse accessor unless `related_name` names one."""
    return models.ForeignKey(
        to,
        verbose_name=verbose_name,
        null=True,
        blank=True,
        on_delete=on_delete,
        related_name=related_name,
        **options,
    )


def user_fk(verbose_name: Any, **options: Any) -> "models.ForeignKey[Any, Any]":
    """A user named by a record (who decided, who reported …); a named user is never deleted."""
    return models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=verbose_name,
        on_delete=models.PROTECT,
        related_name="+",
        **options,
    )


class Registered(models.Model):
    """Who registered (登记) a record and when; the user may be deleted only with the record."""

    created_by = optional_fk(settings.AUTH_USER_MODEL, _("登记人"))
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    class Meta:
        abstract = True
