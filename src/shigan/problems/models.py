"""The problem ledger (问题整改台账): problems, their measures, progress, evidence, close-outs,
deadline extensions; special programs (专项整治) and rules (建章立制).

Rows change only through `services/`; the state rules live here as small predicates.
"""

from django.core.validators import MaxValueValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from shigan.core.records import Registered, optional_fk, user_fk
from shigan.core.search import TextIndex
from shigan.core.transitions import Transition, record_fk, to_state_field
from shigan.orgs.scoping import ScopedQuerySet
from shigan.problems.choices import (
    UNFINISHED_STATES,
    CloseOutState,
    ExtensionState,
    Light,
    MeasureState,
    ProblemSource,
    ProblemState,
    ProblemTerm,
    RuleKind,
    RuleState,
)
from shigan.problems.storage import evidence_path, evidence_storage

__all__ = [
    "SpecialProgram",
    "Problem",
    "ProblemTransition",
    "ProblemLightChange",
    "Measure",
    "ProgressReport",
    "CloseOut",
    "Evidence",
    "DeadlineExtension",
    "Rule",
]

_BY_PROBLEM = ScopedQuerySet.scoped_by("problem__unit__path")


class _OfProblem(models.Model):
    """A record under a problem: scoped, and owned, by the problem's unit."""

    objects = _BY_PROBLEM.as_manager()

    class Meta:
        abstract = True

    @property
    def unit(self):
        return self.problem.unit


def _request_state(verbose_name, choices):
    """A request's state: pending until someone above the unit decides it."""
    return models.CharField(
        verbose_name, max_length=20, choices=choices.choices, default=choices.PENDING
    )


class _Request(_OfProblem):
    """A request on a problem that someone above its unit decides (销号、延期). At most one of a
    kind waits at a time; each kind names its own state, decider and note, since a close-out is
    reviewed (审核) and an extension approved (审批)."""

    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    class Meta:
        abstract = True
        constraints = [
            models.UniqueConstraint(
                fields=["problem"],
                condition=models.Q(state="pending"),
                name="%(app_label)s_one_pending_%(class)s",
            )
        ]


class SpecialProgram(models.Model):
    """A special rectification program (专项整治): one plan, led by one unit, over many problems."""

    campaign = models.ForeignKey(
        "campaigns.Campaign",
        verbose_name=_("主题教育"),
        on_delete=models.PROTECT,
        related_name="special_programs",
    )
    name = models.CharField(_("名称"), max_length=200)
    lead_unit = models.ForeignKey(
        "orgs.Unit",
        verbose_name=_("牵头单位"),
        on_delete=models.PROTECT,
        related_name="special_programs",
    )
    plan = models.TextField(_("整治方案"), blank=True)
    created_on = models.DateField(_("印发日期"))
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    objects = ScopedQuerySet.scoped_by("lead_unit__path").as_manager()

    class Meta:
        verbose_name = _("专项整治")
        verbose_name_plural = _("专项整治")
        ordering = ["campaign", "name"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "name"], name="problems_program_name")
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def unit(self):
        return self.lead_unit


# Indexed search (core/search.py; built by migration 0009).
TITLE_SEARCH = TextIndex("problems_problem", "title")
MEASURE_SEARCH = TextIndex("problems_measure", "text")


class Problem(models.Model):
    unit = models.ForeignKey(
        "orgs.Unit", verbose_name=_("责任单位"), on_delete=models.PROTECT, related_name="problems"
    )
    campaign = optional_fk("campaigns.Campaign", _("主题教育"), related_name="problems")
    aspect = optional_fk("campaigns.Aspect", _("方面"), related_name="problems")
    research_topic = optional_fk("research.ResearchTopic", _("调研课题"), related_name="problems")
    special_program = optional_fk(SpecialProgram, _("专项整治"), related_name="problems")
    source = models.CharField(_("来源"), max_length=30, choices=ProblemSource.choices)
    title = models.CharField(_("问题"), max_length=300)
    description = models.TextField(_("问题描述"), blank=True)
    responsible = optional_fk("orgs.Person", _("责任领导"))
    # Leaders sharing the responsibility ("张三、李四" in a ledger: the first is `responsible`).
    co_responsible = models.ManyToManyField(
        "orgs.Person", verbose_name=_("共同责任领导"), blank=True, related_name="+"
    )
    found_on = models.DateField(_("发现日期"))
    term = models.CharField(
        _("整改类型"), max_length=20, choices=ProblemTerm.choices, default=ProblemTerm.TIME_BOUND
    )
    deadline = models.DateField(_("整改时限"), null=True, blank=True)
    # "N working days from found_on": kept as entered; `deadline` is computed from it.
    deadline_workdays = models.PositiveSmallIntegerField(
        _("整改时限（工作日）"), null=True, blank=True
    )
    # A long-term problem's next checkpoint after a stage is closed (长期坚持的下一节点).
    next_checkpoint = models.DateField(_("下一检查节点"), null=True, blank=True)
    state = models.CharField(
        _("状态"), max_length=20, choices=ProblemState.choices, default=ProblemState.OPEN
    )
    progress_percent = models.PositiveSmallIntegerField(
        _("整改进度（%）"), default=0, validators=[MaxValueValidator(100)]
    )
    # The traffic light, stored so lists filter and count it; "" once closed (no light).
    light = models.CharField(
        _("红黄绿灯"), max_length=10, choices=Light.choices, default=Light.GREEN, blank=True
    )
    light_on = models.DateField(_("亮灯日期"), null=True, blank=True)
    # The day the stored light was last computed for (by a service or the watch): the light
    # history follows the records up to it (`light_history`).
    light_checked_on = models.DateField(_("亮灯核对日期"), null=True, blank=True)
    # Carried over from an earlier campaign (转入): the original stays in its campaign as it
    # stood that day; this one is counted in its own campaign from `carried_on` (carryover.py).
    carried_from = models.OneToOneField(
        "self",
        verbose_name=_("转入自"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="carried_to",
    )
    carried_on = models.DateField(_("转入日期"), null=True, blank=True)
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("问题")
        verbose_name_plural = _("问题")
        ordering = ["-found_on", "-pk"]
        indexes = [
            models.Index(fields=["unit", "state"]),
            models.Index(fields=["light", "state"]),
            # The ledger's default order: its first page of a large subtree walks this index
            # and stops at 50 rows, instead of sorting every problem of the subtree.
            models.Index(fields=["-found_on", "-id"], name="problems_ledger_order"),
            # The dashboard's overdue list (red, unfinished, soonest deadline first): its first
            # rows walk this small index instead of sorting every red problem of the subtree.
            models.Index(
                fields=["campaign", "deadline", "id"],
                condition=models.Q(light=Light.RED, state__in=UNFINISHED_STATES),
                name="problems_overdue_order",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(progress_percent__lte=100), name="problems_percent_max"
            )
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("problems:detail", args=[self.pk])

    # State predicates: the services refuse what these deny, with a coded error.
    def can_submit_closeout(self) -> bool:
        return self.state in (ProblemState.OPEN, ProblemState.IN_PROGRESS, ProblemState.REOPENED)

    @property
    def watched_deadline(self):
        """The date the light watches: a long-term problem's next checkpoint, else the
        deadline (after an approved extension, the new one)."""
        if self.term == ProblemTerm.LONG_TERM and self.next_checkpoint:
            return self.next_checkpoint
        return self.deadline


class ProblemTransition(Transition):
    """One state change; the first row (from "") records how the problem entered the ledger."""

    problem = record_fk(Problem, _("问题"))
    to_state = to_state_field(ProblemState)
    state_choices = ProblemState
    record_field = "problem"

    class Meta(Transition.Meta):
        verbose_name = _("问题状态变更")
        verbose_name_plural = _("问题状态变更")
        indexes = [models.Index(fields=["problem", "day"])]


class ProblemLightChange(models.Model):
    """One change of a problem's traffic light, dated the day it took effect ("" = no light:
    not yet in the ledger, or closed). Kept like the state's history, from the records
    (`problems.lights.light_history_sync`), so counts by light as of any day are facts."""

    problem = models.ForeignKey(
        Problem, verbose_name=_("问题"), on_delete=models.CASCADE, related_name="light_changes"
    )
    from_light = models.CharField(_("原灯色"), max_length=10, blank=True)
    to_light = models.CharField(_("新灯色"), max_length=10, blank=True)
    day = models.DateField(_("日期"))

    class Meta:
        verbose_name = _("问题亮灯变更")
        verbose_name_plural = _("问题亮灯变更")
        ordering = ["day", "pk"]
        indexes = [models.Index(fields=["problem", "day"])]

    def __str__(self) -> str:
        return f"{self.problem_id}: {self.from_light or '—'} → {self.to_light or '—'} {self.day}"


class Measure(Registered):
    """One rectification measure (整改措施) of a problem; a problem has many. Minimal for now:
    the rectification issue adds progress, evidence and deadline watching."""

    problem = models.ForeignKey(
        Problem, verbose_name=_("问题"), on_delete=models.CASCADE, related_name="measures"
    )
    text = models.TextField(_("措施内容"))
    owner = optional_fk("orgs.Person", _("责任人"))
    deadline = models.DateField(_("完成时限"), null=True, blank=True)
    state = models.CharField(
        _("状态"), max_length=20, choices=MeasureState.choices, default=MeasureState.PLANNED
    )
    done_on = models.DateField(_("完成日期"), null=True, blank=True)
    # Why the measure is not done although its problem was submitted for close-out: the
    # reviewer reads it on the request, and the closed problem shows it beside 未完成.
    open_reason = models.TextField(_("未完成原因"), blank=True, default="", db_default="")
    added_on = models.DateField(_("提出日期"))
    # The unfinished measure of the original problem this one continues (carried over).
    carried_from = models.OneToOneField(
        "self",
        verbose_name=_("转入自"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="carried_to",
    )

    objects = _BY_PROBLEM.as_manager()

    class Meta:
        verbose_name = _("整改措施")
        verbose_name_plural = _("整改措施")
        ordering = ["problem", "added_on", "pk"]

    def __str__(self) -> str:
        return self.text[:60]

    @property
    def unit(self):
        """The unit responsible: the problem's."""
        return self.problem.unit


class ProgressReport(models.Model):
    """A progress report (整改进展): what was done, how far along, with evidence files."""

    problem = models.ForeignKey(
        Problem, verbose_name=_("问题"), on_delete=models.CASCADE, related_name="reports"
    )
    text = models.TextField(_("进展情况"))
    percent = models.PositiveSmallIntegerField(
        _("整改进度（%）"), validators=[MaxValueValidator(100)]
    )
    reported_on = models.DateField(_("报告日期"))
    created_by = user_fk(_("报告人"), null=True, blank=True)
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    objects = _BY_PROBLEM.as_manager()

    class Meta:
        verbose_name = _("整改进展")
        verbose_name_plural = _("整改进展")
        ordering = ["problem", "reported_on", "pk"]

    def __str__(self) -> str:
        return f"{self.reported_on} {self.percent}%"


class CloseOut(_Request):
    """A close-out request (销号申请) and the reviewer's decision on it."""

    problem = models.ForeignKey(
        Problem, verbose_name=_("问题"), on_delete=models.CASCADE, related_name="closeouts"
    )
    summary = models.TextField(_("整改完成情况"))
    submitted_by = user_fk(_("申请人"), null=True, blank=True)
    submitted_on = models.DateField(_("申请日期"))
    state = _request_state(_("审核状态"), CloseOutState)
    decided_by = user_fk(_("审核人"), null=True, blank=True)
    decided_on = models.DateField(_("审核日期"), null=True, blank=True)
    reason = models.TextField(_("审核意见"), blank=True)

    class Meta(_Request.Meta):
        verbose_name = _("销号申请")
        verbose_name_plural = _("销号申请")
        ordering = ["problem", "submitted_on", "pk"]

    def __str__(self) -> str:
        return f"{self.problem_id}: {self.get_state_display()}"


class Evidence(_OfProblem):
    """An evidence file (佐证材料), checked by size and content; kept outside the web root."""

    problem = models.ForeignKey(
        Problem, verbose_name=_("问题"), on_delete=models.CASCADE, related_name="evidence"
    )
    progress_report = optional_fk(
        ProgressReport,
        _("整改进展"),
        related_name="evidence",
        on_delete=models.CASCADE,
    )
    closeout = optional_fk(
        CloseOut, _("销号申请"), related_name="evidence", on_delete=models.CASCADE
    )
    file = models.FileField(
        _("文件"), storage=evidence_storage, upload_to=evidence_path, max_length=255
    )
    original_name = models.CharField(_("文件名"), max_length=255)
    content_type = models.CharField(_("文件类型"), max_length=100)
    size = models.PositiveBigIntegerField(_("大小（字节）"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    uploaded_by = user_fk(_("上传人"), null=True, blank=True)
    uploaded_at = models.DateTimeField(_("上传时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("佐证材料")
        verbose_name_plural = _("佐证材料")
        ordering = ["problem", "uploaded_at", "pk"]

    def __str__(self) -> str:
        return self.original_name


class DeadlineExtension(_Request):
    """A request to move a problem's deadline (延期申请), decided by a reviewer above."""

    problem = models.ForeignKey(
        Problem, verbose_name=_("问题"), on_delete=models.CASCADE, related_name="extensions"
    )
    requested_by = user_fk(_("申请人"), null=True, blank=True)
    requested_on = models.DateField(_("申请日期"))
    old_deadline = models.DateField(_("原整改时限"), null=True, blank=True)
    new_deadline = models.DateField(_("申请延至"))
    reason = models.TextField(_("延期理由"))
    state = _request_state(_("审批状态"), ExtensionState)
    decided_by = user_fk(_("审批人"), null=True, blank=True)
    decided_on = models.DateField(_("审批日期"), null=True, blank=True)
    decision_note = models.TextField(_("审批意见"), blank=True)

    class Meta(_Request.Meta):
        verbose_name = _("延期申请")
        verbose_name_plural = _("延期申请")
        ordering = ["problem", "requested_on", "pk"]

    def __str__(self) -> str:
        return f"{self.problem_id}: → {self.new_deadline}"


class Rule(models.Model):
    """A rule made to fix problems for good (建章立制): a regulation, decision or mechanism."""

    campaign = optional_fk("campaigns.Campaign", _("主题教育"), related_name="rules")
    unit = models.ForeignKey(
        "orgs.Unit", verbose_name=_("制定单位"), on_delete=models.PROTECT, related_name="rules"
    )
    title = models.CharField(_("名称"), max_length=300)
    kind = models.CharField(_("类别"), max_length=20, choices=RuleKind.choices)
    state = models.CharField(
        _("状态"), max_length=20, choices=RuleState.choices, default=RuleState.DRAFTING
    )
    issued_on = models.DateField(_("印发日期"), null=True, blank=True)
    problems = models.ManyToManyField(
        Problem, verbose_name=_("针对的问题"), related_name="rules", blank=True
    )
    created_on = models.DateField(_("登记日期"))
    created_by = user_fk(_("登记人"), null=True, blank=True)
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("制度机制")
        verbose_name_plural = _("制度机制")
        ordering = ["-created_on", "-pk"]

    def __str__(self) -> str:
        return self.title
