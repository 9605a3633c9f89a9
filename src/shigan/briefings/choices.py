from django.db import models
from django.utils.translation import gettext_lazy as _

__all__ = ["BriefingState"]


class BriefingState(models.TextChoices):
    DRAFT = "draft", _("草稿")
    ISSUED = "issued", _("已印发")
