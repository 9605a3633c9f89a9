"""Background jobs (imports, exports …): their progress and their files (`core.jobs` runs them)."""

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser
from django.db import models
from django.utils.translation import gettext_lazy as _

from shigan.core.choices import JobState
from shigan.core.job_kinds import kind_label
from shigan.core.records import optional_fk

__all__ = ["Job"]


class JobQuerySet(models.QuerySet["Job"]):
    def restrict(
        self, user: AbstractBaseUser | AnonymousUser | None, action: str = "view"
    ) -> "JobQuerySet":
        """A user sees only the jobs they started (superusers included): jobs carry files."""
        if user is None or not user.is_authenticated:
            return self.none()
        return self.filter(created_by_id=user.pk)  # by id: core cannot name accounts.User


class Job(models.Model):
    """A background task (import, export …) with its progress and its result file."""

    kind = models.CharField(_("类型"), max_length=50)
    params = models.JSONField(_("参数"), default=dict, blank=True)
    state = models.CharField(
        _("状态"), max_length=10, choices=JobState.choices, default=JobState.QUEUED
    )
    done = models.PositiveIntegerField(_("已处理"), default=0)
    total = models.PositiveIntegerField(_("总数"), null=True, blank=True)
    message = models.TextField(_("说明"), blank=True)
    summary = models.JSONField(_("结果摘要"), default=dict, blank=True)
    input_file = models.FileField(_("上传文件"), upload_to="jobs/input/%Y/%m/", blank=True)
    input_name = models.CharField(_("上传文件名"), max_length=255, blank=True)
    result_file = models.FileField(_("结果文件"), upload_to="jobs/result/%Y/%m/", blank=True)
    result_name = models.CharField(_("结果文件名"), max_length=255, blank=True)
    created_by = optional_fk(
        settings.AUTH_USER_MODEL,
        _("发起人"),
        related_name="jobs",
        on_delete=models.SET_NULL,
    )
    unit = optional_fk("orgs.Unit", _("单位"), on_delete=models.SET_NULL)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    started_at = models.DateTimeField(_("开始时间"), null=True, blank=True)
    finished_at = models.DateTimeField(_("结束时间"), null=True, blank=True)
    # A running job's process writes this every SHIGAN_JOB_HEARTBEAT_SECONDS; a job whose
    # heartbeat is older than SHIGAN_JOB_STALE_SECONDS lost its worker (core.jobs.job_sweep).
    heartbeat_at = models.DateTimeField(_("最近心跳"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("执行次数"), default=0)

    objects = JobQuerySet.as_manager()

    class Meta:
        verbose_name = _("后台任务")
        verbose_name_plural = _("后台任务")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["created_by", "-created_at"]),
            models.Index(fields=["state", "heartbeat_at"]),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.kind_label}"

    @property
    def kind_label(self) -> str:
        return kind_label(self.kind)

    @property
    def finished(self) -> bool:
        return self.state in (JobState.DONE, JobState.FAILED)

    @property
    def percent(self) -> int:
        if self.state == JobState.DONE:
            return 100
        if not self.total:
            return 0
        return min(100, int(self.done * 100 / self.total))
