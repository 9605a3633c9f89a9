from django.db import models
from django.utils.translation import gettext_lazy as _

__all__ = ["CampaignState", "AspectKind", "VisitPurpose"]


class CampaignState(models.TextChoices):
    PLANNING = "planning", _("筹备中")
    ACTIVE = "active", _("进行中")
    CLOSED = "closed", _("已结束")


class AspectKind(models.TextChoices):
    RESEARCH = "research", _("调研方面")
    PROBLEM = "problem", _("问题方面")


class VisitPurpose(models.TextChoices):
    RESEARCH = "research", _("指导调查研究")
    RECTIFICATION = "rectification", _("指导检视整改")
    GENERAL = "general", _("综合指导")
