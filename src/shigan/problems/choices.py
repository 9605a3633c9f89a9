from django.db import models
from django.utils.translation import gettext_lazy as _

__all__ = ["ProblemSource", "ProblemState", "MeasureState"]


class ProblemSource(models.TextChoices):
    RESEARCH = "research", _("调查研究")
    SELF_INSPECTION = "self_inspection", _("检视查摆")
    INSPECTION_FEEDBACK = "inspection_feedback", _("督察反馈")
    PETITION = "petition", _("信访")
    ASSIGNED = "assigned", _("上级交办")


class ProblemState(models.TextChoices):
    OPEN = "open", _("待整改")
    IN_PROGRESS = "in_progress", _("整改中")
    PENDING_REVIEW = "pending_review", _("待销号")
    CLOSED = "closed", _("已销号")
    REOPENED = "reopened", _("退回重改")


class MeasureState(models.TextChoices):
    PLANNED = "planned", _("未完成")
    DONE = "done", _("已完成")
