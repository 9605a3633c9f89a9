from django.db import models
from django.utils.translation import gettext_lazy as _

__all__ = [
    "KeyTaskArea",
    "MilestoneState",
    "ProjectKind",
    "FundSource",
    "ProjectState",
    "LivelihoodState",
]


class KeyTaskArea(models.TextChoices):
    """The region's five great tasks (五大任务), and anything else."""

    ECOLOGY = "ecology", _("生态安全屏障")
    BORDER_SECURITY = "border_security", _("北疆安全稳定屏障")
    AGRICULTURE = "agriculture", _("农畜产品生产基地")
    ENERGY = "energy", _("能源和战略资源基地")
    OPENING_UP = "opening_up", _("向北开放桥头堡")
    OTHER = "other", _("其他")


class MilestoneState(models.TextChoices):
    PENDING = "pending", _("未完成")
    DONE = "done", _("已完成")


class ProjectKind(models.TextChoices):
    """What a project builds; fine enough to tell apart the sums the article reports (e.g. the
    pilot-zone funds and the port-economy fund under the opening-up task)."""

    RETROFIT = "retrofit", _("节能节水改造")
    ECOLOGY = "ecology", _("生态保护修复")
    INFRASTRUCTURE = "infrastructure", _("基础设施建设")
    SECURITY = "security", _("安全稳定保障")
    FARMLAND = "farmland", _("高标准农田建设")
    AGRICULTURE = "agriculture", _("农牧业发展")
    ENERGY = "energy", _("能源资源开发")
    PILOT_ZONE = "pilot_zone", _("开发开放试验区建设")
    PORT_ECONOMY = "port_economy", _("口岸经济发展")
    ETHNIC_AFFAIRS = "ethnic_affairs", _("民族事务")
    LIVELIHOOD = "livelihood", _("民生保障")
    OTHER = "other", _("其他")


class FundSource(models.TextChoices):
    CENTRAL = "central", _("中央财政资金")
    REGIONAL = "regional", _("自治区财政资金")
    LOCAL = "local", _("盟市旗县财政资金")
    SPECIAL = "special", _("专项资金")
    RAISED = "raised", _("统筹筹措资金")
    BOND = "bond", _("专项债券")
    SOCIAL = "social", _("社会资本")
    OTHER = "other", _("其他")


class ProjectState(models.TextChoices):
    PLANNED = "planned", _("计划")
    UNDER_WAY = "under_way", _("实施中")
    DONE = "done", _("已完成")


class LivelihoodState(models.TextChoices):
    PLANNED = "planned", _("未启动")
    UNDER_WAY = "under_way", _("推进中")
    DONE = "done", _("已完成")
