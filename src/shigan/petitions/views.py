"""Petition pages. Each view parses, calls one selector or service, renders.

A petition outside the user's scope is 404; inside it, an action the user may not take is 403.
"""

from collections.abc import Callable

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from shigan.accounts.selectors import active_user_by_username
from shigan.campaigns.models import Campaign
from shigan.core.calendar import CalendarError
from shigan.core.downloads import download
from shigan.core.errors import DomainError
from shigan.core.generic import ObjectActionView, apply_domain_error
from shigan.core.jobs import job_create, job_enqueue
from shigan.core.pagination import page_of
from shigan.core.spreadsheets.forms import ImportForm
from shigan.orgs.models import Unit
from shigan.orgs.permissions import user_can
from shigan.orgs.selectors import unit_breadcrumbs, unit_get, unit_scope_roots
from shigan.orgs.views_exchange import CONTENT_TYPES, attachment
from shigan.petitions import crypto, forms, selectors, services
from shigan.petitions.access import can_request_review, can_reveal
from shigan.petitions.choices import CaseKind, PetitionState, ReviewLevel
from shigan.petitions.errors import ErrorCode
from shigan.petitions.exports import IntakeTemplate, PetitionExporter
from shigan.petitions.imports import COLUMNS
from shigan.petitions.jobs import IMPORT_KIND
from shigan.petitions.models import Agent, PetitionAttachment, PetitionExtension

__all__ = [
    "DeskView",
    "IntakeView",
    "PetitionDetailView",
    "UnitListView",
    "FiguresView",
    "AgentListView",
    "AgentRetireView",
    "AttachmentDownloadView",
    "ExportView",
    "TemplateView",
    "ImportView",
]

PAGE_SIZE = 50


class DeskView(LoginRequiredMixin, View):
    """The agent's desk: what is owed, the one due first on top; then the return visits."""

    def get(self, request):
        user = request.user
        near = request.GET.get("near") == "1"  # from 待办: only the yellow and red clocks
        petitions = selectors.desk(user=user, near_limit=near)
        page = page_of(request, petitions)
        context = {
            "posts": selectors.agent_posts(user=user),
            "roots": unit_scope_roots(user=user)[:10],
            "page": page,
            "to_rate": page_of(request, selectors.desk_to_rate(user=user), param="to_rate_page"),
            "today": timezone.localdate(),
            "near": near,
        }
        return render(request, "petitions/desk.html", context)


class IntakeView(ObjectActionView):
    """An agent takes a petition in at their unit (a union case: `views_union`)."""

    kind = CaseKind.PETITION
    title = gettext_lazy("登记信访件")
    form_class = forms.IntakeForm
    multipart = True

    def get_object(self, agent):
        agent = get_object_or_404(selectors.agent_posts(user=self.request.user), pk=agent)
        back = reverse("petitions:desk")
        return {"agent": agent, "unit": agent.unit, "back": back, "heading": agent.unit.name}

    def form_kwargs(self, page) -> dict:
        return {"kind": self.kind}

    def form_data(self, form) -> dict:
        return form.service_kwargs()

    def perform(self, page, data):
        return services.petition_intake(actor=self.request.user, agent=page["agent"], **data)

    def get_success_message(self, page, petition) -> str:
        return _("已登记信访件 %(n)s。") % {"n": petition.number}


class PetitionDetailView(LoginRequiredMixin, View):
    def get(self, request, pk):
        user = request.user
        petition = selectors.petition_detail(user=user, pk=pk)
        people = services.petitioners_read(user=user, petitions=[petition])[petition.pk]
        today = timezone.localdate()
        try:
            petition_clock, clock_error = selectors.petition_clock(petition), ""
            steps = [(step, *step.status(today)) for step in petition_clock.steps]
        except CalendarError as error:
            petition_clock, clock_error, steps = None, error.message, []
        hashes = list(petition.petitioners.values_list("person_hash", flat=True))
        duplicates = selectors.likely_duplicates(
            hashes=hashes, text=petition.request, exclude_pk=petition.pk
        )
        agent = petition.intake_agent
        is_agent = agent is not None and agent.user_id == user.pk
        extension = getattr(petition, "extension", None) if _has_extension(petition) else None
        context = {
            "petition": petition,
            "unit": petition.unit,
            "people": people,
            "clock": petition_clock,
            "clock_error": clock_error,
            "steps": steps,
            "today": today,
            "duplicates": duplicates[:10],
            "reviews": [(r, user_can(user, "record", r.body)) for r in petition.reviews.all()],
            "extension": extension,
            "has_extension": extension is not None,
            "can_handle": user_can(user, "record", petition.handling_unit),
            "can_approve": user_can(user, "review", petition.handling_unit),
            "can_request_review": _can_request_review(user, petition, is_agent),
            "is_agent": is_agent,
            "can_reveal": can_reveal(user, petition),
            "pre_acceptance": services.PRE_ACCEPTANCE,
            "S": PetitionState,
            "breadcrumbs": unit_breadcrumbs(user=user, unit=petition.unit),
        }
        return render(request, "petitions/detail.html", context)


def _has_extension(petition) -> bool:
    try:
        return petition.extension is not None
    except PetitionExtension.DoesNotExist:
        return False


def _can_request_review(user, petition, is_agent: bool) -> bool:
    if petition.state not in (PetitionState.REPLIED, PetitionState.REVIEWED):
        return False
    if is_agent:
        return True
    above = Unit.objects.get_parent(petition.handling_unit)
    return above is not None and user_can(user, "record", above)


class PetitionActionView(ObjectActionView):
    """A form on a petition that one service handles."""

    # who may: "handler" (record on the handling unit), "handler_or_agent", "approver"
    who = "handler"
    # The service the form's data goes to: service(actor=…, petition=…, **data).
    service: Callable[..., object] | None = None

    def get_object(self, pk):
        petition = selectors.petition_get(user=self.request.user, pk=pk)
        if not self.allowed(petition):
            raise PermissionDenied(_("您没有办理该信访件的权限。"))
        return petition

    def allowed(self, petition) -> bool:
        user = self.request.user
        if self.who == "approver":
            return user_can(user, "review", petition.handling_unit)
        if user_can(user, "record", petition.handling_unit):
            return True
        agent = petition.intake_agent
        return self.who == "handler_or_agent" and agent is not None and agent.user_id == user.pk

    def perform(self, petition, data):
        self.service(actor=self.request.user, petition=petition, **data)

    @classmethod
    def of(cls, form_class, service, who="handler"):
        """The view of an action that is its form and one service: the form gives the page's
        title (`legend`) and what is said once it is done (`success`)."""
        return cls.as_view(
            form_class=form_class,
            service=service,
            who=who,
            title=form_class.legend,
            success=form_class.success,
        )


# The actions on a petition that are a form and one service, nothing more, by URL name.
FORM_ACTIONS = {
    "accept": PetitionActionView.of(forms.AcceptForm, services.petition_accept),
    "decline": PetitionActionView.of(forms.DeclineForm, services.petition_decline),
    "objection": PetitionActionView.of(
        forms.ObjectionForm, services.petition_objection_record, who="handler_or_agent"
    ),
    "extend": PetitionActionView.of(forms.ExtendForm, services.petition_extend, who="approver"),
    "reply": PetitionActionView.of(forms.ReplyForm, services.petition_reply),
    "rate": PetitionActionView.of(forms.RateForm, services.petition_rate, who="handler_or_agent"),
}


class RouteView(PetitionActionView):
    title = gettext_lazy("转送交办")
    form_class = forms.RouteForm
    success = gettext_lazy("已转送。")
    service = staticmethod(services.petition_route)

    def form_kwargs(self, petition):
        return {"targets": selectors.route_targets(petition)}


class ReviewRequestView(PetitionActionView):
    """The petitioner's request for a review or re-review, registered by the agent who carries
    it or by the reviewing body (which sees the petition: it is above the answering one)."""

    title = gettext_lazy("请求复查、复核")
    form_class = forms.ReviewRequestForm
    success = gettext_lazy("已登记复查、复核请求。")
    service = staticmethod(services.petition_review_request)

    def allowed(self, petition) -> bool:
        return can_request_review(self.request.user, petition)


class ProblemView(PetitionActionView):
    title = gettext_lazy("转入问题清单")
    form_class = forms.ProblemForm
    success = gettext_lazy("已转入问题清单。")
    service = staticmethod(services.petition_problem_raise)

    def form_kwargs(self, petition):
        path = petition.handling_unit.path
        prefixes = [path[:i] for i in range(Unit.steplen, len(path) + 1, Unit.steplen)]
        return {"campaigns": Campaign.objects.filter(root_unit__path__in=prefixes)}


class AttachView(PetitionActionView):
    title = gettext_lazy("上传信访材料")
    form_class = forms.AttachmentForm
    success = gettext_lazy("已上传。")
    multipart = True
    who = "handler_or_agent"

    def perform(self, petition, data):
        services.petition_attachment_add(
            actor=self.request.user, petition=petition, file=data["file"]
        )


class ReviewActionView(PetitionActionView):
    """A form on a review or re-review, for the reviewing body."""

    def get_object(self, pk):
        self.review = selectors.review_get(user=self.request.user, pk=pk)
        if not user_can(self.request.user, "record", self.review.body):
            raise PermissionDenied(_("您没有办理该复查、复核的权限。"))
        return selectors.petition_get(user=self.request.user, pk=self.review.petition_id)


class HearingView(ReviewActionView):
    title = gettext_lazy("登记听证")
    form_class = forms.HearingForm
    success = gettext_lazy("已登记听证，听证时间不计入复核期限。")

    def perform(self, petition, data):
        services.petition_review_hearing(actor=self.request.user, review=self.review, **data)


class DecideView(ReviewActionView):
    form_class = forms.DecideForm
    success = gettext_lazy("已提出意见。")

    @property
    def title(self):
        return _("提出%(level)s意见") % {"level": ReviewLevel(self.review.level).label}

    def perform(self, petition, data):
        services.petition_review_decide(actor=self.request.user, review=self.review, **data)


class AttachmentDownloadView(LoginRequiredMixin, View):
    def get(self, request, pk):
        attachment = get_object_or_404(
            PetitionAttachment.objects.restrict(request.user, "view").select_related(
                "petition", "petition__intake_agent"
            ),
            pk=pk,
        )
        try:
            data = services.attachment_read(user=request.user, attachment=attachment)
        except DomainError as error:
            raise PermissionDenied(error.message) from error
        return download(data, name=attachment.original_name, content_type=attachment.content_type)


class UnitListView(LoginRequiredMixin, View):
    """The petitions received or handled in a unit's subtree."""

    def get(self, request, pk):
        unit = unit_get(user=request.user, pk=pk)
        filters = forms.PetitionFilterForm(request.GET)
        data = filters.cleaned_data if filters.is_valid() else {}
        search = selectors.petition_search(user=request.user, unit=unit, **data)
        page = search.paginator(PAGE_SIZE).get_page(request.GET.get("page"))
        query = request.GET.copy()
        query.pop("page", None)
        context = {
            "unit": unit,
            "filters": filters,
            "page": page,
            "search": search,
            "query": query.urlencode(),
            "posts": selectors.agent_posts(user=request.user).filter(unit=unit),
            "breadcrumbs": unit_breadcrumbs(user=request.user, unit=unit),
        }
        return render(request, "petitions/unit_list.html", context)


class FiguresView(LoginRequiredMixin, View):
    """The unit figures by subtree; every number opens its records."""

    kind = CaseKind.PETITION

    def get(self, request, pk):
        unit = unit_get(user=request.user, pk=pk)
        form = forms.AsOfForm(request.GET)
        if not form.is_valid():
            raise Http404
        as_of = form.cleaned_data["as_of"]
        context = {
            "unit": unit,
            "as_of": as_of,
            "form": form,
            "figures": selectors.unit_figures(
                user=request.user, unit=unit, as_of=as_of, kind=self.kind
            ),
            "union": self.kind == CaseKind.UNION,
            "breadcrumbs": unit_breadcrumbs(user=request.user, unit=unit),
        }
        return render(request, "petitions/figures.html", context)


class AgentListView(LoginRequiredMixin, View):
    """A unit's agents (its subtree); who may manage the unit appoints and retires them."""

    def _render(self, request, unit, form, status=200):
        context = {
            "unit": unit,
            "page": page_of(request, selectors.agent_list(user=request.user, unit=unit)),
            "form": form,
            "can_manage": user_can(request.user, "manage", unit),
            "breadcrumbs": unit_breadcrumbs(user=request.user, unit=unit),
        }
        return render(request, "petitions/agents.html", context, status=status)

    def get(self, request, pk):
        unit = unit_get(user=request.user, pk=pk)
        return self._render(request, unit, forms.AgentForm())

    def post(self, request, pk):
        unit = unit_get(user=request.user, pk=pk)
        if not user_can(request.user, "manage", unit):
            raise PermissionDenied(_("您没有任命代办员的权限。"))
        form = forms.AgentForm(request.POST)
        if form.is_valid():
            user = active_user_by_username(form.cleaned_data["username"])
            if user is None:
                form.add_error("username", _("没有这个用户。"))
            else:
                try:
                    services.agent_appoint(
                        actor=request.user,
                        user=user,
                        unit=unit,
                        appointed_on=form.cleaned_data["appointed_on"],
                    )
                except DomainError as error:
                    apply_domain_error(form, error)
                else:
                    messages.success(request, _("已任命代办员。"))
                    return redirect("petitions:agents", unit.pk)
        return self._render(request, unit, form, status=400)


class AgentRetireView(LoginRequiredMixin, View):
    def post(self, request, pk):
        agent = get_object_or_404(
            Agent.objects.restrict(request.user, "view").select_related("unit"), pk=pk
        )
        try:
            services.agent_retire(actor=request.user, agent=agent)
        except DomainError as error:
            if error.code == ErrorCode.FORBIDDEN:
                raise PermissionDenied(error.message) from error
            messages.error(request, error.message)
        else:
            messages.success(request, _("代办员已离岗。"))
        return redirect("petitions:agents", agent.unit_id)


class ExportView(LoginRequiredMixin, View):
    """The ledger of a unit's subtree (with the list's filters), masked unless the right is
    held; streamed, never kept as a file."""

    def get(self, request, pk, fmt):
        unit = unit_get(user=request.user, pk=pk)
        if fmt not in CONTENT_TYPES:
            raise Http404
        filters = forms.PetitionFilterForm(request.GET)
        data = filters.cleaned_data if filters.is_valid() else {}
        exporter = PetitionExporter(user=request.user, unit=unit, **data)
        payload = exporter.xlsx_bytes() if fmt == "xlsx" else exporter.csv_bytes()
        return attachment(payload, exporter.filename(fmt), fmt)


class TemplateView(LoginRequiredMixin, View):
    def get(self, request):
        return attachment(IntakeTemplate().template_bytes(), _("信访件导入模板.xlsx"), "xlsx")


class ImportView(LoginRequiredMixin, View):
    """An agent imports an intake sheet of petitions taken in at their unit (a job)."""

    def _agent(self, request, pk) -> Agent:
        return get_object_or_404(selectors.agent_posts(user=request.user), pk=pk)

    def _render(self, request, agent, form, status=200):
        context = {
            "agent": agent,
            "unit": agent.unit,
            "form": form,
            "columns": COLUMNS,
            "breadcrumbs": unit_breadcrumbs(user=request.user, unit=agent.unit),
        }
        return render(request, "petitions/import.html", context, status=status)

    def get(self, request, agent):
        return self._render(request, self._agent(request, agent), ImportForm())

    def post(self, request, agent):
        agent = self._agent(request, agent)
        form = ImportForm(request.POST, request.FILES)
        if not form.is_valid():
            return self._render(request, agent, form, status=400)
        upload = form.cleaned_data["file"]
        job = job_create(
            actor=request.user,
            kind=IMPORT_KIND,
            params={"mode": form.cleaned_data["mode"], "agent": agent.pk},
            unit=agent.unit,
            # The sheet holds personal data: it is kept encrypted until the job reads it.
            upload=crypto.encrypt_bytes(upload.read()),
            upload_name=upload.name,
        )
        job_enqueue(job)
        return redirect("core:job_detail", job.pk)
