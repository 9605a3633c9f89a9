from django.db import models
from django.utils.translation import gettext_lazy as _

from shigan.core.deadlines import Light

__all__ = [
    "ProblemSource",
    "ProblemState",
    "ProblemTerm",
    "MeasureState",
    "CloseOutState",
    "ExtensionState",
    "RuleKind",
    "RuleState",
    "Light",
    "UNFINISHED_STATES",
]


class ProblemSource(models.TextChoices):
    """Where a problem was found. Research and petitions add theirs through their own services
    (a research topic's findings, a petition taken into the ledger); the article counts those
    found by research and by self-inspection apart (FIGURES rows 12 and 17)."""

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


# States in which a problem has a traffic light (a closed one has none).
UNFINISHED_STATES = (
    ProblemState.OPEN,
    ProblemState.IN_PROGRESS,
    ProblemState.PENDING_REVIEW,
    ProblemState.REOPENED,
)


class ProblemTerm(models.TextChoices):
    IMMEDIATE = "immediate", _("立行立改")
    TIME_BOUND = "time_bound", _("限期整改")
    LONG_TERM = "long_term", _("长期坚持")


class MeasureState(models.TextChoices):
    PLANNED = "planned", _("未完成")
    DONE = "done", _("已完成")


class CloseOutState(models.TextChoices):
    PENDING = "pending", _("待审核")
    ACCEPTED = "accepted", _("同意销号")
    REJECTED = "rejected", _("退回")


class ExtensionState(models.TextChoices):
    PENDING = "pending", _("待审批")
    APPROVED = "approved", _("同意延期")
    REFUSED = "refused", _("不同意")


class RuleKind(models.TextChoices):
    REGULATION = "regulation", _("制度")
    DECISION = "decision", _("决定")
    MECHANISM = "mechanism", _("机制")


class RuleState(models.TextChoices):
    DRAFTING = "drafting", _("起草中")
    ISSUED = "issued", _("已印发")
