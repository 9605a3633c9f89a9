"""Research: a topic led by a leader, its plan (in versions) and their reviews, the field trips,
the report, and the results turned into policy (成果转化运用). Problems found are `Problem`s
with source "research" linked back to the topic (`Problem.research_topic`)."""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from shigan.core.records import Registered, optional_fk
from shigan.core.search import TextIndex
from shigan.core.storage import attachment_field
from shigan.core.transitions import Transition, record_fk, to_state_field
from shigan.orgs.scoping import ALL, ScopedQuerySet, subtree_q, user_scope_paths
from shigan.research.choices import AdoptionState, ResultKind, ResultState, TopicState, Verdict

__all__ = [
    "ResearchTopic",
    "TopicTransition",
    "ResearchPlan",
    "PlanReview",
    "ResearchTrip",
    "ResearchReport",
    "ResearchResult",
    "ResultPromotion",
    "PromotionTarget",
    "TargetTransition",
]


# Indexed search (core/search.py; built by migration 0003).
TOPIC_SEARCH = TextIndex("research_researchtopic", "title")


class ResearchTopic(Registered):
    unit = models.ForeignKey(
        "orgs.Unit",
        verbose_name=_("单位"),
        on_delete=models.PROTECT,
        related_name="research_topics",
    )
    campaign = models.ForeignKey(
        "campaigns.Campaign",
        verbose_name=_("主题教育"),
        on_delete=models.PROTECT,
        related_name="research_topics",
    )
    aspect = models.ForeignKey(
        "campaigns.Aspect",
        verbose_name=_("方面"),
        on_delete=models.PROTECT,
        related_name="research_topics",
    )
    title = models.CharField(_("课题名称"), max_length=200)
    lead = models.ForeignKey(
        "orgs.Person",
        verbose_name=_("牵头领导"),
        on_delete=models.PROTECT,
        related_name="led_topics",
    )
    participants = models.ManyToManyField(
        "orgs.Person", verbose_name=_("参与人员"), related_name="research_topics", blank=True
    )
    state = models.CharField(
        _("状态"), max_length=20, choices=TopicState.choices, default=TopicState.DRAFTING
    )
    created_on = models.DateField(_("确定日期"))

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("调研课题")
        verbose_name_plural = _("调研课题")
        ordering = ["-created_on", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "campaign", "title"], name="research_topic_unique_title"
            )
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("research:topic_detail", args=[self.pk])

    def takes_trips(self) -> bool:
        return self.state in (TopicState.PLAN_APPROVED, TopicState.RESEARCHING)

    def takes_findings(self) -> bool:
        """Problems and results are recorded once the research has started."""
        return self.state in (TopicState.RESEARCHING, TopicState.REPORTED, TopicState.CONCLUDED)


class TopicTransition(Transition):
    """One state change; the first row (from "") records how the topic entered the ledger."""

    topic = record_fk(ResearchTopic, _("调研课题"))
    to_state = to_state_field(TopicState)
    state_choices = TopicState
    record_field = "topic"

    class Meta(Transition.Meta):
        verbose_name = _("课题状态变更")
        verbose_name_plural = _("课题状态变更")
        indexes = [models.Index(fields=["topic", "day"])]


class ResearchPlan(models.Model):
    """One version of a topic's plan; a revised plan is a new version, the old ones are kept."""

    topic = models.ForeignKey(
        ResearchTopic, verbose_name=_("调研课题"), on_delete=models.CASCADE, related_name="plans"
    )
    version = models.PositiveSmallIntegerField(_("版本"))
    text = models.TextField(_("方案内容"))
    attachment = attachment_field(_("附件"), "research/plans/%Y/%m/")
    submitted_by = optional_fk(settings.AUTH_USER_MODEL, _("提交人"))
    submitted_on = models.DateField(_("提交日期"))
    submitted_at = models.DateTimeField(_("提交时间"), auto_now_add=True)

    objects = ScopedQuerySet.scoped_by("topic__unit__path").as_manager()

    class Meta:
        verbose_name = _("调研方案")
        verbose_name_plural = _("调研方案")
        ordering = ["topic", "version"]
        constraints = [
            models.UniqueConstraint(fields=["topic", "version"], name="research_plan_version")
        ]

    def __str__(self) -> str:
        return f"{self.topic} · v{self.version}"

    def get_absolute_url(self) -> str:
        return reverse("research:topic_detail", args=[self.topic_id])


class PlanReview(models.Model):
    plan = models.ForeignKey(
        ResearchPlan, verbose_name=_("调研方案"), on_delete=models.CASCADE, related_name="reviews"
    )
    group = models.ForeignKey(
        "campaigns.GuidanceGroup",
        verbose_name=_("指导组"),
        on_delete=models.PROTECT,
        related_name="plan_reviews",
    )
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("审核人"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    verdict = models.CharField(_("审核意见"), max_length=20, choices=Verdict.choices)
    comments = models.TextField(_("具体意见"), blank=True)
    reviewed_on = models.DateField(_("审核日期"))
    reviewed_at = models.DateTimeField(_("审核时间"), auto_now_add=True)

    objects = ScopedQuerySet.scoped_by("plan__topic__unit__path").as_manager()

    class Meta:
        verbose_name = _("方案审核")
        verbose_name_plural = _("方案审核")
        ordering = ["plan", "reviewed_at", "pk"]

    def __str__(self) -> str:
        return f"{self.plan} · {self.get_verdict_display()}"


class ResearchTrip(Registered):
    """A field trip under a topic. `unit` and `campaign` repeat the topic's, for figures."""

    topic = models.ForeignKey(
        ResearchTopic, verbose_name=_("调研课题"), on_delete=models.CASCADE, related_name="trips"
    )
    unit = models.ForeignKey(
        "orgs.Unit", verbose_name=_("单位"), on_delete=models.PROTECT, related_name="+"
    )
    campaign = models.ForeignKey(
        "campaigns.Campaign", verbose_name=_("主题教育"), on_delete=models.PROTECT, related_name="+"
    )
    visited_on = models.DateField(_("调研日期"))
    place = models.ForeignKey(
        "orgs.Unit", verbose_name=_("调研地点"), on_delete=models.PROTECT, related_name="+"
    )
    people = models.ManyToManyField(
        "orgs.Person", verbose_name=_("调研人员"), related_name="research_trips", blank=True
    )
    findings = models.TextField(_("调研发现"), blank=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("调研记录")
        verbose_name_plural = _("调研记录")
        ordering = ["-visited_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.topic} · {self.place} · {self.visited_on}"

    def get_absolute_url(self) -> str:
        return reverse("research:topic_detail", args=[self.topic_id])


class ResearchReport(models.Model):
    topic = models.OneToOneField(
        ResearchTopic, verbose_name=_("调研课题"), on_delete=models.CASCADE, related_name="report"
    )
    text = models.TextField(_("报告内容"))
    attachment = attachment_field(_("附件"), "research/reports/%Y/%m/")
    submitted_by = optional_fk(settings.AUTH_USER_MODEL, _("提交人"))
    submitted_on = models.DateField(_("提交日期"))
    submitted_at = models.DateTimeField(_("提交时间"), auto_now_add=True)

    objects = ScopedQuerySet.scoped_by("topic__unit__path").as_manager()

    class Meta:
        verbose_name = _("调研报告")
        verbose_name_plural = _("调研报告")

    def __str__(self) -> str:
        return f"{self.topic} · {_('调研报告')}"


class ResearchResult(Registered):
    """A research output turned into a policy, rule, measure or project (成果转化运用)."""

    topic = models.ForeignKey(
        ResearchTopic, verbose_name=_("调研课题"), on_delete=models.CASCADE, related_name="results"
    )
    unit = models.ForeignKey(
        "orgs.Unit", verbose_name=_("单位"), on_delete=models.PROTECT, related_name="+"
    )
    campaign = models.ForeignKey(
        "campaigns.Campaign", verbose_name=_("主题教育"), on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(_("成果类型"), max_length=20, choices=ResultKind.choices)
    title = models.CharField(_("成果名称"), max_length=200)
    state = models.CharField(
        _("采纳状态"), max_length=20, choices=ResultState.choices, default=ResultState.DRAFTING
    )
    recorded_on = models.DateField(_("登记日期"))
    adopted_on = models.DateField(_("采纳日期"), null=True, blank=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("调研成果")
        verbose_name_plural = _("调研成果")
        ordering = ["-recorded_on", "-pk"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("research:topic_detail", args=[self.topic_id])


class PromotionQuerySet(ScopedQuerySet):
    """A promotion is seen from the promoting unit's subtree, and by every unit it reaches
    (their subtrees): a village sees the promotion it must answer."""

    def restrict(self, user, action: str = "view"):
        paths = user_scope_paths(user, action)
        if paths is ALL:
            return self
        if not paths:
            return self.none()
        reached = PromotionTarget.objects.filter(subtree_q(paths, "unit__path")).values(
            "promotion_id"
        )
        return self.filter(subtree_q(paths, "unit__path") | models.Q(pk__in=reached))


class TargetQuerySet(ScopedQuerySet):
    """A unit's answer is seen from its own subtree's ancestors and by the promoting unit."""

    def restrict(self, user, action: str = "view"):
        paths = user_scope_paths(user, action)
        if paths is ALL:
            return self
        if not paths:
            return self.none()
        return self.filter(
            subtree_q(paths, "unit__path") | subtree_q(paths, "promotion__unit__path")
        )


class ResultPromotion(Registered):
    """A result promoted (推广) to a set of units — the units of one kind in some subtrees
    (`scopes`, e.g. a few banners' gacha/villages), and/or a list —
    each of which answers adopted or not applicable by the deadline."""

    result = models.ForeignKey(
        ResearchResult,
        verbose_name=_("调研成果"),
        on_delete=models.CASCADE,
        related_name="promotions",
    )
    unit = models.ForeignKey(
        "orgs.Unit", verbose_name=_("推广单位"), on_delete=models.PROTECT, related_name="+"
    )
    campaign = models.ForeignKey(
        "campaigns.Campaign", verbose_name=_("主题教育"), on_delete=models.PROTECT, related_name="+"
    )
    scopes = models.ManyToManyField(
        "orgs.Unit", verbose_name=_("推广范围"), related_name="+", blank=True
    )
    target_kind = models.CharField(_("推广到"), max_length=20, blank=True)
    promoted_on = models.DateField(_("推广日期"))
    deadline = models.DateField(_("反馈期限"))
    note = models.TextField(_("推广要求"), blank=True)

    objects = PromotionQuerySet.as_manager()

    class Meta:
        verbose_name = _("成果推广")
        verbose_name_plural = _("成果推广")
        ordering = ["-promoted_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.result} · {_('推广')}"

    def get_absolute_url(self) -> str:
        return reverse("research:promotion_detail", args=[self.pk])


class PromotionTarget(models.Model):
    """One unit a result is promoted to, and its answer. `campaign` and `promoted_on` repeat
    the promotion's, for figures."""

    promotion = models.ForeignKey(
        ResultPromotion,
        verbose_name=_("成果推广"),
        on_delete=models.CASCADE,
        related_name="targets",
    )
    unit = models.ForeignKey(
        "orgs.Unit", verbose_name=_("推广对象"), on_delete=models.PROTECT, related_name="+"
    )
    campaign = models.ForeignKey(
        "campaigns.Campaign", verbose_name=_("主题教育"), on_delete=models.PROTECT, related_name="+"
    )
    promoted_on = models.DateField(_("推广日期"))
    state = models.CharField(
        _("采用情况"), max_length=20, choices=AdoptionState.choices, default=AdoptionState.PENDING
    )
    reported_on = models.DateField(_("反馈日期"), null=True, blank=True)
    note = models.TextField(_("反馈说明"), blank=True)

    objects = TargetQuerySet.as_manager()

    class Meta:
        verbose_name = _("推广对象")
        verbose_name_plural = _("推广对象")
        ordering = ["unit__path", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["promotion", "unit"], name="research_target_unique")
        ]

    def __str__(self) -> str:
        return f"{self.promotion.result} · {self.get_state_display()}"

    def get_absolute_url(self) -> str:
        return reverse("research:promotion_detail", args=[self.promotion_id]) + f"#t{self.pk}"


class TargetTransition(Transition):
    """One answer (or change of answer) of a promoted unit; the first row is the promotion."""

    target = record_fk(PromotionTarget, _("推广对象"))
    to_state = to_state_field(AdoptionState)
    state_choices = AdoptionState
    record_field = "target"

    class Meta(Transition.Meta):
        verbose_name = _("采用情况变更")
        verbose_name_plural = _("采用情况变更")
        indexes = [models.Index(fields=["target", "day"])]
