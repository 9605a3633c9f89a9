"""Research pages. Each view parses, calls one selector or service, renders."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from shigan.campaigns.services import is_group_member_for
from shigan.core.errors import DomainError
from shigan.core.views import ScopeIndexView
from shigan.orgs.selectors import unit_breadcrumbs, unit_get
from shigan.orgs.services import user_can
from shigan.research import forms, selectors, services
from shigan.research.choices import TopicState

__all__ = [
    "TopicListView",
    "TopicCreateView",
    "TopicDetailView",
    "PlanSubmitView",
    "PlanReviewView",
    "TripCreateView",
    "ReportSubmitView",
    "ConcludeView",
    "ProblemCreateView",
    "ResultCreateView",
    "ResultAdoptView",
    "InboxView",
    "VisitLogView",
]

PAGE_SIZE = 50


def _apply_domain_error(form, error: DomainError) -> None:
    form.add_error(error.field if error.field in form.fields else None, error.message)


def _campaign(request, unit):
    campaign = selectors.campaign_for_unit(
        user=request.user, unit=unit, pk=request.GET.get("campaign")
    )
    if campaign is None:
        raise Http404
    return campaign


class TopicListView(LoginRequiredMixin, View):
    """A unit's research ledger (its whole subtree) in one campaign."""

    def get(self, request, pk):
        unit = unit_get(user=request.user, pk=pk)
        campaign = _campaign(request, unit)
        filters = forms.TopicFilterForm(request.GET, campaign=campaign)
        data = filters.cleaned_data if filters.is_valid() else {}
        topics = selectors.topic_list(
            user=request.user,
            unit=unit,
            campaign=campaign,
            aspect=data.get("aspect"),
            state=data.get("state"),
            q=data.get("q") or "",
        )
        page = Paginator(topics, PAGE_SIZE).get_page(request.GET.get("page"))
        context = {
            "unit": unit,
            "campaign": campaign,
            "filters": filters,
            "page": page,
            "can_record": user_can(request.user, "record", unit),
            "breadcrumbs": unit_breadcrumbs(user=request.user, unit=unit),
        }
        return render(request, "research/unit_list.html", context)


class TopicCreateView(LoginRequiredMixin, View):
    def _setup(self, request, pk):
        unit = unit_get(user=request.user, pk=pk)
        if not user_can(request.user, "record", unit):
            raise PermissionDenied(_("您没有在该单位登记调研的权限。"))
        return unit, _campaign(request, unit)

    def _form(self, request, unit, campaign, data=None):
        people = selectors.people_for(user=request.user, unit=unit)
        return forms.TopicForm(data, campaign=campaign, people=people)

    def _render(self, request, unit, campaign, form, status=200):
        context = {
            "unit": unit,
            "form": form,
            "title": _("确定调研课题"),
            "heading": f"{unit.name} · {campaign.name}",
            "back": f"{reverse('research:unit_list', args=[unit.pk])}?campaign={campaign.pk}",
            "breadcrumbs": unit_breadcrumbs(user=request.user, unit=unit),
        }
        return render(request, "research/form.html", context, status=status)

    def get(self, request, pk):
        unit, campaign = self._setup(request, pk)
        return self._render(request, unit, campaign, self._form(request, unit, campaign))

    def post(self, request, pk):
        unit, campaign = self._setup(request, pk)
        form = self._form(request, unit, campaign, request.POST)
        if form.is_valid():
            try:
                topic = services.topic_create(
                    actor=request.user, unit=unit, campaign=campaign, **form.cleaned_data
                )
            except DomainError as error:
                _apply_domain_error(form, error)
            else:
                messages.success(request, _("已确定调研课题。"))
                return redirect(topic)
        return self._render(request, unit, campaign, form, status=400)


class TopicDetailView(LoginRequiredMixin, View):
    def get(self, request, pk):
        topic = selectors.topic_detail(user=request.user, pk=pk)
        user = request.user
        can_record = user_can(user, "record", topic.unit)
        plans = list(topic.plans.all())
        context = {
            "topic": topic,
            "unit": topic.unit,
            "plans": plans,
            "can_record": can_record,
            "can_review": topic.state == TopicState.PLAN_SUBMITTED
            and is_group_member_for(user, topic.unit, topic.campaign) is not None,
            "review_form": forms.ReviewForm(),
            "conclude_form": forms.ConcludeForm(),
            "report": getattr(topic, "report", None),
            "breadcrumbs": unit_breadcrumbs(user=user, unit=topic.unit),
        }
        return render(request, "research/topic_detail.html", context)


class TopicActionView(LoginRequiredMixin, View):
    """A form on a topic that one service handles; needs the record right (else 403)."""

    title = ""
    form_class = None
    success = ""
    multipart = False

    def get_topic(self):
        topic = selectors.topic_get(user=self.request.user, pk=self.kwargs["pk"])
        if not user_can(self.request.user, "record", topic.unit):
            raise PermissionDenied(_("您没有在该单位登记调研的权限。"))
        return topic

    def form_kwargs(self, topic) -> dict:
        return {}

    def perform(self, topic, data):
        raise NotImplementedError

    def _render(self, topic, form, status=200):
        context = {
            "topic": topic,
            "unit": topic.unit,
            "form": form,
            "title": self.title,
            "heading": topic.title,
            "back": topic.get_absolute_url(),
            "multipart": self.multipart,
            "breadcrumbs": unit_breadcrumbs(user=self.request.user, unit=topic.unit),
        }
        return render(self.request, "research/form.html", context, status=status)

    def get(self, request, pk):
        topic = self.get_topic()
        return self._render(topic, self.form_class(**self.form_kwargs(topic)))

    def post(self, request, pk):
        topic = self.get_topic()
        form = self.form_class(request.POST, request.FILES, **self.form_kwargs(topic))
        if form.is_valid():
            try:
                self.perform(topic, form.cleaned_data)
            except DomainError as error:
                if error.code == "forbidden":
                    raise PermissionDenied(error.message) from error
                _apply_domain_error(form, error)
            else:
                messages.success(request, str(self.success))
                return redirect(topic)
        return self._render(topic, form, status=400)


class PlanSubmitView(TopicActionView):
    title = gettext_lazy("提交调研方案")
    form_class = forms.PlanForm
    success = gettext_lazy("已提交调研方案，等待巡回指导组审核。")
    multipart = True

    def perform(self, topic, data):
        services.topic_plan_submit(
            actor=self.request.user, topic=topic, text=data["text"], attachment=data["attachment"]
        )


class TripCreateView(TopicActionView):
    title = gettext_lazy("登记调研")
    form_class = forms.TripForm
    success = gettext_lazy("已登记调研。")

    def form_kwargs(self, topic):
        return {"people": selectors.people_for(user=self.request.user, unit=topic.unit)}

    def perform(self, topic, data):
        place = selectors.place_resolve(campaign=topic.campaign, text=data["place"])
        if place is None:
            raise services.ResearchError(
                _("找不到调研地点“%(place)s”。") % {"place": data["place"]},
                code="unknown_place",
                field="place",
            )
        services.topic_trip_log(
            actor=self.request.user,
            topic=topic,
            visited_on=data["visited_on"],
            place=place,
            people=list(data["people"]),
            findings=data["findings"],
        )


class ReportSubmitView(TopicActionView):
    title = gettext_lazy("提交调研报告")
    form_class = forms.ReportForm
    success = gettext_lazy("已提交调研报告。")
    multipart = True

    def perform(self, topic, data):
        services.topic_report_submit(
            actor=self.request.user, topic=topic, text=data["text"], attachment=data["attachment"]
        )


class ConcludeView(TopicActionView):
    title = gettext_lazy("结题")
    form_class = forms.ConcludeForm
    success = gettext_lazy("课题已结题。")

    def perform(self, topic, data):
        services.topic_conclude(actor=self.request.user, topic=topic, comment=data["comment"])


class ProblemCreateView(TopicActionView):
    title = gettext_lazy("登记调研发现的问题")
    form_class = forms.ProblemForm
    success = gettext_lazy("已登记问题。")

    def form_kwargs(self, topic):
        return {"campaign": topic.campaign}

    def perform(self, topic, data):
        services.topic_problem_create(actor=self.request.user, topic=topic, **data)


class ResultCreateView(TopicActionView):
    title = gettext_lazy("登记调研成果")
    form_class = forms.ResultForm
    success = gettext_lazy("已登记调研成果。")

    def perform(self, topic, data):
        services.result_create(actor=self.request.user, topic=topic, **data)


class ResultAdoptView(LoginRequiredMixin, View):
    def post(self, request, pk):
        result = selectors.result_get(user=request.user, pk=pk)
        if not user_can(request.user, "record", result.unit):
            raise PermissionDenied(_("您没有在该单位登记调研的权限。"))
        try:
            services.result_adopt(actor=request.user, result=result)
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("成果已标记为采纳。"))
        return redirect(result)


class PlanReviewView(LoginRequiredMixin, View):
    """A guidance member's verdict. A plan outside the member's review scope is 404; a
    reviewer who is not in a group assigned to the unit gets 403."""

    def post(self, request, pk):
        plan = selectors.plan_get(user=request.user, pk=pk, action="review")
        form = forms.ReviewForm(request.POST)
        if form.is_valid():
            try:
                services.topic_plan_review(actor=request.user, plan=plan, **form.cleaned_data)
            except DomainError as error:
                if error.code == "not_in_group":
                    raise PermissionDenied(error.message) from error
                messages.error(request, error.message)
            else:
                messages.success(request, _("已审核调研方案。"))
        else:
            messages.error(request, " ".join(e for errs in form.errors.values() for e in errs))
        return redirect(plan.topic)


class InboxView(LoginRequiredMixin, View):
    """The guidance-group inbox: plans waiting for this member's review."""

    def get(self, request):
        groups = selectors.member_groups(user=request.user)
        page = Paginator(selectors.inbox_plans(user=request.user), PAGE_SIZE).get_page(
            request.GET.get("page")
        )
        return render(request, "research/inbox.html", {"groups": groups, "page": page})


class VisitLogView(LoginRequiredMixin, View):
    def _render(self, request, form, status=200):
        context = {
            "form": form,
            "title": _("登记指导调查研究"),
            "heading": _("登记指导调查研究"),
            "back": reverse("research:inbox"),
        }
        return render(request, "research/form.html", context, status=status)

    def get(self, request):
        groups = selectors.member_groups(user=request.user)
        if not groups:
            raise Http404
        return self._render(request, forms.VisitForm(groups=groups))

    def post(self, request):
        groups = selectors.member_groups(user=request.user)
        if not groups:
            raise Http404
        form = forms.VisitForm(request.POST, groups=groups)
        if form.is_valid():
            unit = unit_get(user=request.user, pk=form.cleaned_data["unit"])
            try:
                services.research_visit_log(
                    actor=request.user,
                    group=form.cleaned_data["group"],
                    unit=unit,
                    visited_on=form.cleaned_data["visited_on"],
                    notes=form.cleaned_data["notes"],
                )
            except DomainError as error:
                _apply_domain_error(form, error)
            else:
                messages.success(request, _("已登记指导记录。"))
                return redirect("research:inbox")
        return self._render(request, form, status=400)


class IndexView(ScopeIndexView):
    """`/research/`: the research ledger of the user's top unit, in its latest campaign."""

    title = gettext_lazy("调查研究")

    def unit_url(self, request, unit):
        campaign = selectors.campaign_for_unit(user=request.user, unit=unit)
        if campaign is None:
            return None
        return f"{reverse('research:unit_list', args=[unit.pk])}?campaign={campaign.pk}"
