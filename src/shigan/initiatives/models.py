"""Delivery (以学促干): key tasks with their timetable (milestones), roadmap and task book;
projects and their funds; the livelihood list (民生项目清单).

Amounts of money are exact decimals in yuan (never floats). `FUNDS_MAX` (in `amounts`) keeps
every amount within 15 significant digits, which SQLite (which stores decimals as binary
doubles) and an xlsx cell both hold exactly.
"""

from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from shigan.core.records import optional_fk, user_fk
from shigan.core.storage import attachment_field
from shigan.core.transitions import Transition, record_fk
from shigan.initiatives.amounts import FUNDS_MAX
from shigan.initiatives.choices import (
    FundSource,
    KeyTaskArea,
    LivelihoodState,
    MilestoneState,
    ProjectKind,
    ProjectState,
)
from shigan.initiatives.measures import MEASURE_CHOICES, MEASURES, PLACES, quantity_text
from shigan.orgs.models import Unit
from shigan.orgs.scoping import ALL, ScopedQuerySet, subtree_q, user_scope_paths

__all__ = [
    "KeyTask",
    "Milestone",
    "MilestoneTransition",
    "Project",
    "ProjectTransition",
    "LivelihoodArea",
    "LivelihoodItem",
    "LivelihoodProgress",
    "LivelihoodTransition",
    "Indicator",
    "IndicatorReport",
    "ServicePoint",
]


def _funds_field(verbose_name):
    return models.DecimalField(
        verbose_name,
        max_digits=18,
        decimal_places=2,
        default=Decimal("0.00"),
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(FUNDS_MAX)],
    )


class KeyTaskQuerySet(ScopedQuerySet):
    """Key tasks are seen from below as well: a unit serves the key tasks of the units above it
    (the region's five tasks are carried out by every league and banner), so "view" also
    covers the key tasks of the ancestors of the user's units. Their projects and other
    records stay scoped by their own unit."""

    def restrict(self, user, action: str = "view"):
        scoped = super().restrict(user, action)
        if action != "view":
            return scoped
        paths = user_scope_paths(user, action)
        if paths is ALL or not paths:
            return scoped
        step = Unit.steplen
        ancestors = {p[:i] for p in paths for i in range(step, len(p), step)}
        return self.filter(subtree_q(paths, "unit__path") | Q(unit__path__in=sorted(ancestors)))


class KeyTask(models.Model):
    """A key task (重点任务) of a unit in a campaign. Its progress is derived from its
    milestones (see `shigan.initiatives.progress`), never typed in."""

    campaign = models.ForeignKey(
        "campaigns.Campaign",
        verbose_name=_("主题教育"),
        on_delete=models.PROTECT,
        related_name="key_tasks",
    )
    unit = models.ForeignKey(
        "orgs.Unit", verbose_name=_("单位"), on_delete=models.PROTECT, related_name="key_tasks"
    )
    area = models.CharField(_("任务领域"), max_length=20, choices=KeyTaskArea.choices)
    title = models.CharField(_("任务名称"), max_length=200)
    goal = models.TextField(_("目标"), blank=True)
    owner_unit = optional_fk("orgs.Unit", _("牵头单位"))
    owner_leader = optional_fk("orgs.Person", _("责任领导"), related_name="key_tasks")
    starts_on = models.DateField(_("开始日期"))
    # 路线图: the ordered steps, one a line.
    roadmap = models.TextField(_("路线图"), blank=True)
    # 任务书: the document's text, and the signed original as an attachment.
    task_book_text = models.TextField(_("任务书"), blank=True)
    task_book_file = attachment_field(_("任务书附件"), "initiatives/task_books/%Y/%m/")
    results = models.ManyToManyField(
        "research.ResearchResult",
        verbose_name=_("服务的调研成果"),
        related_name="key_tasks",
        blank=True,
    )
    rules = models.ManyToManyField(
        "problems.Rule",
        verbose_name=_("服务的制度机制"),
        related_name="key_tasks",
        blank=True,
    )
    created_on = models.DateField(_("登记日期"))
    created_by = user_fk(_("登记人"), null=True, blank=True)
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    objects = KeyTaskQuerySet.as_manager()

    class Meta:
        verbose_name = _("重点任务")
        verbose_name_plural = _("重点任务")
        ordering = ["area", "unit__path", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "unit", "title"], name="initiatives_key_task_unique_title"
            )
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("initiatives:key_task_detail", args=[self.pk])

    def roadmap_steps(self) -> list[str]:
        return [line.strip() for line in self.roadmap.splitlines() if line.strip()]


class Milestone(models.Model):
    """One node of a key task's timetable (时间表). `weight` sets its share of the progress."""

    key_task = models.ForeignKey(
        KeyTask, verbose_name=_("重点任务"), on_delete=models.CASCADE, related_name="milestones"
    )
    ordinal = models.PositiveSmallIntegerField(_("序号"))
    title = models.CharField(_("节点名称"), max_length=200)
    due_on = models.DateField(_("完成时限"), null=True, blank=True)
    weight = models.PositiveSmallIntegerField(
        _("权重"), default=1, validators=[MinValueValidator(1), MaxValueValidator(1000)]
    )
    state = models.CharField(
        _("状态"), max_length=20, choices=MilestoneState.choices, default=MilestoneState.PENDING
    )
    done_on = models.DateField(_("完成日期"), null=True, blank=True)
    evidence_note = models.TextField(_("完成情况"), blank=True)
    evidence_file = attachment_field(_("佐证材料"), "initiatives/milestones/%Y/%m/")
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    objects = ScopedQuerySet.scoped_by("key_task__unit__path").as_manager()

    class Meta:
        verbose_name = _("时间节点")
        verbose_name_plural = _("时间节点")
        ordering = ["key_task", "ordinal", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["key_task", "title"], name="initiatives_milestone_unique_title"
            )
        ]

    def __str__(self) -> str:
        return f"{self.key_task} · {self.title}"

    def get_absolute_url(self) -> str:
        return reverse("initiatives:key_task_detail", args=[self.key_task_id]) + "#timetable"

    def is_done(self, on=None) -> bool:
        """Done, and (with `on`) done by that day."""
        if self.state != MilestoneState.DONE or self.done_on is None:
            return False
        return on is None or self.done_on <= on

    def is_overdue(self, on) -> bool:
        """Not done by `on` and its due date has passed (a milestone without a date never is)."""
        return self.due_on is not None and self.due_on < on and not self.is_done(on)

    def is_late(self) -> bool:
        """Done after its due date (逾期完成)."""
        done_on, due_on = self.done_on, self.due_on
        return self.is_done() and due_on is not None and done_on is not None and done_on > due_on


class MilestoneTransition(Transition):
    state_choices = MilestoneState
    record_field = "milestone"
    milestone = record_fk(Milestone, _("时间节点"))

    class Meta(Transition.Meta):
        verbose_name = _("时间节点状态变更")
        verbose_name_plural = _("时间节点状态变更")


class Project(models.Model):
    """A project (项目) and its funds, in yuan as exact decimals. `area` repeats the key task's
    (or is set when the project serves none), so that figures split by area without a join."""

    campaign = models.ForeignKey(
        "campaigns.Campaign",
        verbose_name=_("主题教育"),
        on_delete=models.PROTECT,
        related_name="projects",
    )
    key_task = optional_fk(KeyTask, _("重点任务"), related_name="projects")
    unit = models.ForeignKey(
        "orgs.Unit", verbose_name=_("实施单位"), on_delete=models.PROTECT, related_name="projects"
    )
    area = models.CharField(_("任务领域"), max_length=20, choices=KeyTaskArea.choices)
    name = models.CharField(_("项目名称"), max_length=200)
    kind = models.CharField(_("项目类型"), max_length=20, choices=ProjectKind.choices)
    fund_source = models.CharField(
        _("资金来源"), max_length=20, choices=FundSource.choices, default=FundSource.OTHER
    )
    funds_allocated = _funds_field(_("安排资金（元）"))
    funds_disbursed = _funds_field(_("已拨付资金（元）"))
    state = models.CharField(
        _("状态"), max_length=20, choices=ProjectState.choices, default=ProjectState.PLANNED
    )
    approved_on = models.DateField(_("立项日期"))
    started_on = models.DateField(_("开工日期"), null=True, blank=True)
    finished_on = models.DateField(_("完工日期"), null=True, blank=True)
    created_by = user_fk(_("登记人"), null=True, blank=True)
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("项目")
        verbose_name_plural = _("项目")
        ordering = ["-approved_on", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "unit", "name"], name="initiatives_project_unique_name"
            ),
            models.CheckConstraint(
                condition=Q(funds_allocated__gte=0) & Q(funds_disbursed__gte=0),
                name="initiatives_project_funds_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("initiatives:project_detail", args=[self.pk])


class ProjectTransition(Transition):
    state_choices = ProjectState
    record_field = "project"
    project = record_fk(Project, _("项目"))

    class Meta(Transition.Meta):
        verbose_name = _("项目状态变更")
        verbose_name_plural = _("项目状态变更")


class LivelihoodArea(models.Model):
    """One of a campaign's areas of livelihood work (就业、教育、医疗 …), in the office's order."""

    campaign = models.ForeignKey(
        "campaigns.Campaign",
        verbose_name=_("主题教育"),
        on_delete=models.CASCADE,
        related_name="livelihood_areas",
    )
    name = models.CharField(_("名称"), max_length=50)
    ordinal = models.PositiveSmallIntegerField(_("序号"))

    class Meta:
        verbose_name = _("民生领域")
        verbose_name_plural = _("民生领域")
        ordering = ["campaign", "ordinal", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "name"], name="initiatives_livelihood_area_unique_name"
            )
        ]

    def __str__(self) -> str:
        return self.name


class LivelihoodItem(models.Model):
    """An item of the livelihood list (民生项目清单). `number` is its place in the list as the
    campaign office fixed it; the ledger and its export follow that order."""

    campaign = models.ForeignKey(
        "campaigns.Campaign",
        verbose_name=_("主题教育"),
        on_delete=models.PROTECT,
        related_name="livelihood_items",
    )
    area = models.ForeignKey(
        LivelihoodArea, verbose_name=_("民生领域"), on_delete=models.PROTECT, related_name="items"
    )
    number = models.PositiveIntegerField(_("序号"))
    title = models.CharField(_("项目名称"), max_length=200)
    unit = models.ForeignKey(
        "orgs.Unit",
        verbose_name=_("责任单位"),
        on_delete=models.PROTECT,
        related_name="livelihood_items",
    )
    target = models.TextField(_("目标任务"), blank=True)
    deadline = models.DateField(_("完成时限"), null=True, blank=True)
    state = models.CharField(
        _("状态"), max_length=20, choices=LivelihoodState.choices, default=LivelihoodState.PLANNED
    )
    progress_percent = models.PositiveSmallIntegerField(
        _("进度（%）"), default=0, validators=[MaxValueValidator(100)]
    )
    listed_on = models.DateField(_("列入日期"))
    created_by = user_fk(_("登记人"), null=True, blank=True)
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("民生项目")
        verbose_name_plural = _("民生项目")
        ordering = ["campaign", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "number"], name="initiatives_livelihood_item_number"
            ),
            models.UniqueConstraint(
                fields=["campaign", "title"], name="initiatives_livelihood_item_title"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number}. {self.title}"

    def get_absolute_url(self) -> str:
        return reverse("initiatives:livelihood_item", args=[self.pk])


class LivelihoodProgress(models.Model):
    item = models.ForeignKey(
        LivelihoodItem,
        verbose_name=_("民生项目"),
        on_delete=models.CASCADE,
        related_name="progress_reports",
    )
    text = models.TextField(_("进展情况"))
    percent = models.PositiveSmallIntegerField(_("进度（%）"), validators=[MaxValueValidator(100)])
    reported_on = models.DateField(_("报告日期"))
    created_by = user_fk(_("报告人"), null=True, blank=True)
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    objects = ScopedQuerySet.scoped_by("item__unit__path").as_manager()

    class Meta:
        verbose_name = _("民生项目进展")
        verbose_name_plural = _("民生项目进展")
        ordering = ["item", "-reported_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.item} · {self.reported_on} · {self.percent}%"


class LivelihoodTransition(Transition):
    state_choices = LivelihoodState
    record_field = "item"
    item = record_fk(LivelihoodItem, _("民生项目"))

    class Meta(Transition.Meta):
        verbose_name = _("民生项目状态变更")
        verbose_name_plural = _("民生项目状态变更")


def _quantity_field(verbose_name, **kwargs):
    return models.DecimalField(
        verbose_name,
        max_digits=15 + PLACES,
        decimal_places=PLACES,
        validators=[MinValueValidator(Decimal("0"))],
        **kwargs,
    )


class Indicator(models.Model):
    """A physical indicator (指标) a key task declares — 新能源并网装机（千瓦）,
    新增灌溉面积（万亩） — with its unit of measure from the fixed list (`measures`) and its
    target. The projects under the task report values; they are kept in this unit."""

    key_task = models.ForeignKey(
        KeyTask, verbose_name=_("重点任务"), on_delete=models.CASCADE, related_name="indicators"
    )
    name = models.CharField(_("指标名称"), max_length=100)
    measure = models.CharField(_("计量单位"), max_length=20, choices=MEASURE_CHOICES)
    target = _quantity_field(_("目标值"), null=True, blank=True)
    created_by = user_fk(_("登记人"), null=True, blank=True)
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    objects = ScopedQuerySet.scoped_by("key_task__unit__path").as_manager()

    class Meta:
        verbose_name = _("指标")
        verbose_name_plural = _("指标")
        ordering = ["key_task", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["key_task", "name"], name="initiatives_indicator_unique_name"
            )
        ]

    def __str__(self) -> str:
        return f"{self.name}（{self.measure_label}）"

    def get_absolute_url(self) -> str:
        return reverse("initiatives:key_task_detail", args=[self.key_task_id]) + "#indicators"

    @property
    def measure_label(self) -> str:
        return str(MEASURES[self.measure].label)


class IndicatorReport(models.Model):
    """A value a project reports for an indicator of its key task, as of `reported_on`. `value`
    is in the indicator's unit; what was typed (5.31万千瓦) is kept beside it."""

    indicator = models.ForeignKey(
        Indicator, verbose_name=_("指标"), on_delete=models.PROTECT, related_name="reports"
    )
    project = models.ForeignKey(
        Project,
        verbose_name=_("项目"),
        on_delete=models.PROTECT,
        related_name="indicator_reports",
    )
    value = _quantity_field(_("数值"))
    entered = models.CharField(_("填报数值"), max_length=50, blank=True)
    reported_on = models.DateField(_("报告日期"), db_index=True)
    note = models.TextField(_("说明"), blank=True)
    created_by = user_fk(_("报告人"), null=True, blank=True)
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    objects = ScopedQuerySet.scoped_by("project__unit__path").as_manager()

    class Meta:
        verbose_name = _("指标数值")
        verbose_name_plural = _("指标数值")
        ordering = ["-reported_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.project} · {self.indicator.name} {self.value_text}"

    def get_absolute_url(self) -> str:
        return reverse("initiatives:project_detail", args=[self.project_id]) + "#indicators"

    @property
    def value_text(self) -> str:
        return quantity_text(self.value, self.indicator.measure)


class ServicePoint(models.Model):
    """A service point of a livelihood item moved closer to people (服务窗口前移): e.g. a
    人社 service window in a bank branch, with its partner and what it offers, counted from
    the day it opened in the subtree of its unit."""

    item = models.ForeignKey(
        LivelihoodItem,
        verbose_name=_("民生项目"),
        on_delete=models.PROTECT,
        related_name="service_points",
    )
    name = models.CharField(_("网点名称"), max_length=200)
    unit = models.ForeignKey(
        "orgs.Unit", verbose_name=_("所在单位"), on_delete=models.PROTECT, related_name="+"
    )
    partner = models.CharField(_("合作机构"), max_length=200, blank=True)
    opened_on = models.DateField(_("开通日期"))
    services = models.TextField(_("服务事项"), blank=True)
    created_by = user_fk(_("登记人"), null=True, blank=True)
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("服务网点")
        verbose_name_plural = _("服务网点")
        ordering = ["-opened_on", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["item", "name"], name="initiatives_service_point_unique_name"
            )
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("initiatives:livelihood_item", args=[self.item_id]) + "#service-points"

    def service_list(self) -> list[str]:
        return [line.strip() for line in self.services.splitlines() if line.strip()]
