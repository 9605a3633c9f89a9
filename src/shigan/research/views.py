"""Research pages. Each view parses, calls one selector or service, renders."""

from collections.abc import Callable

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from shigan.campaigns.services import is_group_member_for
from shigan.core.errors import DomainError
from shigan.core.generic import FileFieldView, ObjectActionView
from shigan.core.pagination import page_of
from shigan.orgs.permissions import user_can
from shigan.orgs.selectors import person_choices, unit_breadcrumbs, unit_get
from shigan.orgs.views_home import ScopeIndexView
from shigan.research import forms, selectors, services
from shigan.research.choices import TopicState
from shigan.research.errors import ErrorCode

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
        search = selectors.topic_search(
            user=request.user,
            unit=unit,
            campaign=campaign,
            aspect=data.get("aspect"),
            state=data.get("state"),
            q=data.get("q") or "",
        )
        page = search.paginator(PAGE_SIZE).get_page(request.GET.get("page"))
        context = {
            "unit": unit,
            "campaign": campaign,
            "filters": filters,
            "page": page,
            "search": search,
            "can_record": user_can(request.user, "record", unit),
            "breadcrumbs": unit_breadcrumbs(user=request.user, unit=unit),
        }
        return render(request, "research/unit_list.html", context)


class TopicCreateView(ObjectActionView):
    title = gettext_lazy("确定调研课题")
    form_class = forms.TopicForm
    success = gettext_lazy("已确定调研课题。")

    def get_object(self, pk):
        unit = unit_get(user=self.request.user, pk=pk)
        if not user_can(self.request.user, "record", unit):
            raise PermissionDenied(_("您没有在该单位登记调研的权限。"))
        campaign = _campaign(self.request, unit)
        back = f"{reverse('research:unit_list', args=[unit.pk])}?campaign={campaign.pk}"
        heading = f"{unit.name} · {campaign.name}"
        return {"unit": unit, "campaign": campaign, "back": back, "heading": heading}

    def form_kwargs(self, page):
        people = person_choices(user=self.request.user, unit=page["unit"])
        return {"campaign": page["campaign"], "people": people}

    def perform(self, page, data):
        return services.topic_create(
            actor=self.request.user, unit=page["unit"], campaign=page["campaign"], **data
        )


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


class TopicActionView(ObjectActionView):
    """A form on a topic that one service handles; needs the record right (else 403)."""

    def get_object(self, pk):
        topic = selectors.topic_get(user=self.request.user, pk=pk)
        if not user_can(self.request.user, "record", topic.unit):
            raise PermissionDenied(_("您没有在该单位登记调研的权限。"))
        return topic

    def get_heading(self, topic) -> str:
        return topic.title


class _DocumentSubmitView(TopicActionView):
    """A topic's plan or report: its text and an attachment, handed to `service`."""

    multipart = True
    service: Callable[..., object] | None = None

    def perform(self, topic, data):
        self.service(
            actor=self.request.user, topic=topic, text=data["text"], attachment=data["attachment"]
        )


class PlanSubmitView(_DocumentSubmitView):
    title = gettext_lazy("提交调研方案")
    form_class = forms.PlanForm
    success = gettext_lazy("已提交调研方案，等待巡回指导组审核。")
    service = staticmethod(services.topic_plan_submit)


class TripCreateView(TopicActionView):
    title = gettext_lazy("登记调研")
    form_class = forms.TripForm
    success = gettext_lazy("已登记调研。")

    def form_kwargs(self, topic):
        return {"people": person_choices(user=self.request.user, unit=topic.unit)}

    def perform(self, topic, data):
        place = selectors.place_resolve(campaign=topic.campaign, text=data["place"])
        if place is None:
            raise services.ResearchError(
                _("找不到调研地点“%(place)s”。") % {"place": data["place"]},
                code=ErrorCode.UNKNOWN_PLACE,
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


class ReportSubmitView(_DocumentSubmitView):
    title = gettext_lazy("提交调研报告")
    form_class = forms.ReportForm
    success = gettext_lazy("已提交调研报告。")
    service = staticmethod(services.topic_report_submit)


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
                if error.code == ErrorCode.NOT_IN_GROUP:
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
        page = page_of(request, selectors.inbox_plans(user=request.user))
        return render(request, "research/inbox.html", {"groups": groups, "page": page})


class VisitLogView(ObjectActionView):
    """A guidance member logs a visit to a unit; 404 for someone in no group."""

    title = gettext_lazy("登记指导调查研究")
    form_class = forms.VisitForm
    success = gettext_lazy("已登记指导记录。")

    def get_object(self):
        groups = selectors.member_groups(user=self.request.user)
        if not groups:
            raise Http404
        return {"groups": groups, "back": reverse("research:inbox"), "heading": self.title}

    def form_kwargs(self, page):
        return {"groups": page["groups"]}

    def perform(self, page, data):
        unit = unit_get(user=self.request.user, pk=data["unit"])
        services.research_visit_log(
            actor=self.request.user,
            group=data["group"],
            unit=unit,
            visited_on=data["visited_on"],
            notes=data["notes"],
        )


class IndexView(ScopeIndexView):
    """`/research/`: the research ledger of the user's top unit, in its latest campaign."""

    title = gettext_lazy("调查研究")

    def unit_url(self, request, unit):
        campaign = selectors.campaign_for_unit(user=request.user, unit=unit)
        if campaign is None:
            return None
        return f"{reverse('research:unit_list', args=[unit.pk])}?campaign={campaign.pk}"


class PlanAttachmentView(FileFieldView):
    def get_file(self, pk):
        return selectors.plan_get(user=self.request.user, pk=pk).attachment


class ReportAttachmentView(FileFieldView):
    def get_file(self, pk):
        topic = selectors.topic_get(user=self.request.user, pk=pk)
        report = getattr(topic, "report", None)
        return report.attachment if report is not None else None
