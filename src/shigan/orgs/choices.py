from django.db import models
from django.utils.translation import gettext_lazy as _

__all__ = ["UnitKind", "Role", "PersonRank", "DIVISION_KINDS", "ROLE_ACTIONS"]


class UnitKind(models.TextChoices):
    PROVINCE = "province", _("省级（自治区）")
    PREFECTURE = "prefecture", _("地级（盟、市）")
    COUNTY = "county", _("县级（旗、县、区）")
    TOWNSHIP = "township", _("乡级（苏木、乡镇、街道）")
    VILLAGE = "village", _("村级（嘎查、村、社区）")
    DEPARTMENT = "department", _("部门")
    ENTERPRISE = "enterprise", _("国有企业")
    SCHOOL = "school", _("高校")
    PARTY_ORG = "party_org", _("党委（党组）")
    OTHER = "other", _("其他")


# NBS level (1–5) → kind of the unit that stands for that division.
DIVISION_KINDS = {
    1: UnitKind.PROVINCE,
    2: UnitKind.PREFECTURE,
    3: UnitKind.COUNTY,
    4: UnitKind.TOWNSHIP,
    5: UnitKind.VILLAGE,
}


class Role(models.TextChoices):
    ADMIN = "admin", _("管理员")
    EDITOR = "editor", _("填报员")
    LEADER = "leader", _("领导")
    VIEWER = "viewer", _("查看")


# What each role may do on the units of its subtree.
#   view   — see the unit and its records
#   record — record and edit facts (study, problems …) of the unit
#   change — edit the unit itself, create units under it
#   manage — grant and revoke roles under it
#   review — decide on what units below submit (close-outs …); guidance groups also review
ROLE_ACTIONS = {
    Role.ADMIN: {"view", "record", "change", "manage", "review"},
    Role.EDITOR: {"view", "record"},
    Role.LEADER: {"view", "record", "review"},
    Role.VIEWER: {"view"},
}


class PersonRank(models.TextChoices):
    PROVINCIAL = "provincial", _("省部级")
    BUREAU = "bureau", _("厅局级")
    COUNTY = "county", _("县处级")
    SECTION = "section", _("乡科级")
    OTHER = "other", _("其他")
