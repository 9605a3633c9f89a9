from django.db import models
from django.utils.translation import gettext_lazy as _

from shigan.orgs.choices import PersonRank

__all__ = ["StudyKind", "LEADER_RANKS"]


class StudyKind(models.TextChoices):
    READING_CLASS = "reading_class", _("读书班")
    CENTRAL_GROUP = "central_group", _("理论学习中心组学习")
    THREE_MEETINGS = "three_meetings", _("三会一课")
    PARTY_DAY = "party_day", _("主题党日")
    LECTURE = "lecture", _("专题讲座")
    ONLINE_CLASS = "online_class", _("线上讲堂")


# "县处级以上领导干部": county level and above.
LEADER_RANKS = (PersonRank.PROVINCIAL, PersonRank.BUREAU, PersonRank.COUNTY)
