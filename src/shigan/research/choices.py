from django.db import models
from django.utils.translation import gettext_lazy as _

__all__ = ["TopicState", "Verdict", "ResultKind", "ResultState", "AdoptionState"]


class TopicState(models.TextChoices):
    DRAFTING = "drafting", _("方案起草中")
    PLAN_SUBMITTED = "plan_submitted", _("方案待审核")
    PLAN_APPROVED = "plan_approved", _("方案已通过")
    RESEARCHING = "researching", _("调研中")
    REPORTED = "reported", _("已提交报告")
    CONCLUDED = "concluded", _("已结题")


class Verdict(models.TextChoices):
    APPROVED = "approved", _("通过")
    REVISE = "revise", _("修改完善")


class ResultKind(models.TextChoices):
    POLICY = "policy", _("政策")
    RULE = "rule", _("制度")
    MEASURE = "measure", _("举措")
    PROJECT = "project", _("项目")


class ResultState(models.TextChoices):
    DRAFTING = "drafting", _("起草中")
    ADOPTED = "adopted", _("已采纳")


class AdoptionState(models.TextChoices):
    """A promoted unit's answer to a promotion (推广): not yet, adopted, or not applicable."""

    PENDING = "pending", _("待反馈")
    ADOPTED = "adopted", _("已采用")
    NOT_APPLICABLE = "not_applicable", _("不适用")
