from typing import Any, NoReturn

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

__all__ = ["AuditEntry", "AuditHead"]


class AuditEntryQuerySet(models.QuerySet["AuditEntry"]):
    """Append-only: the product never updates or deletes an entry."""

    def update(self, **kwargs: Any) -> NoReturn:
        raise PermissionError("audit entries are append-only")

    def delete(self) -> NoReturn:
        raise PermissionError("audit entries are append-only")


class AuditEntry(models.Model):
    """One entry of one of the chains (shards, see shigan.audit.services): `seq` counts within
    its shard, gap-free from 1."""

    shard = models.PositiveSmallIntegerField(_("链"), default=0)
    seq = models.PositiveBigIntegerField(_("序号"))
    at = models.DateTimeField(_("时间"), db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("操作人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    actor_name = models.CharField(_("操作人账号"), max_length=150, blank=True)
    action = models.CharField(_("操作"), max_length=100, db_index=True)
    target_type = models.CharField(_("对象类型"), max_length=100, blank=True)
    target_id = models.CharField(_("对象编号"), max_length=64, blank=True)
    target_repr = models.CharField(_("对象"), max_length=300, blank=True)
    before = models.JSONField(_("变更前"), null=True, blank=True)
    after = models.JSONField(_("变更后"), null=True, blank=True)
    request_id = models.CharField(_("请求编号"), max_length=64, blank=True)
    ip = models.GenericIPAddressField(_("IP 地址"), null=True, blank=True)
    prev_hash = models.CharField(_("上一条哈希"), max_length=64)
    hash = models.CharField(_("哈希"), max_length=64)

    objects = AuditEntryQuerySet.as_manager()

    class Meta:
        verbose_name = _("审计记录")
        verbose_name_plural = _("审计记录")
        ordering = ["-id"]
        indexes = [models.Index(fields=["target_type", "target_id"])]
        constraints = [
            models.UniqueConstraint(fields=["shard", "seq"], name="audit_entry_shard_seq")
        ]

    def __str__(self) -> str:
        return f"#{self.shard}-{self.seq} {self.action} {self.target_repr}"

    # Retention (issue 16): an entry is written once and kept; the database refuses the rest too
    # (shigan.audit.guard).
    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise PermissionError("audit entries are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise PermissionError("audit entries are append-only")


class AuditHead(models.Model):
    """The end of one chain (shard). A writer locks the head of a chain no other transaction
    holds, so appends to one chain are serialised while writers never queue on one row.
    Row id = shard + 1 (shard 0 is the chain that existed before shards)."""

    shard = models.PositiveSmallIntegerField(_("链"), unique=True, default=0)
    seq = models.PositiveBigIntegerField(_("最新序号"), default=0)
    hash = models.CharField(_("最新哈希"), max_length=64, default="0" * 64)

    class Meta:
        verbose_name = _("审计链头")
        verbose_name_plural = _("审计链头")

    def __str__(self) -> str:
        return f"#{self.shard}-{self.seq}"
