"""Problem ledger pages. Each view parses, calls one selector or service, renders.

Out of the user's scope is a 404 (the restricted querysets); in sight but without the right to
act is a 403.
"""

import hashlib
from typing import Any

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views import View

from shigan.core.downloads import download
from shigan.core.errors import DomainError
from shigan.core.generic import ObjectActionView, apply_domain_error
from shigan.core.pagination import page_of
from shigan.orgs.permissions import user_can
from shigan.orgs.selectors import person_choices, unit_breadcrumbs, unit_get, unit_scope_roots
from shigan.problems import forms, selectors, services
from shigan.problems.choices import CloseOutState, ExtensionState, MeasureState, ProblemState
from shigan.problems.ledger_counts import ledger_counts_for
from shigan.problems.permissions import can_record, can_review
from shigan.problems.versions import REFERENCE_KEYS

__all__ = [
    "LedgerHomeView",
    "LedgerView",
    "BulkView",
    "ProblemCreateView",
    "ProblemDetailView",
    "MeasureCreateView",
    "MeasureCompleteView",
    "ReportCreateView",
    "EvidenceCreateView",
    "CloseOutSubmitView",
    "CloseOutDecideView",
    "ExtensionRequestView",
    "ExtensionDecideView",
    "EvidenceDownloadView",
    "InboxView",
    "CloseOutDecideManyView",
    "PAGE_SIZE",
]

PAGE_SIZE = 50
LEDGER_CACHE_SECONDS = 600  # entries are never stale (versioned keys); this only frees memory


def _form_errors(form) -> str:
    return " ".join(str(e) for errors in form.errors.values() for e in errors)


class LedgerHomeView(LoginRequiredMixin, View):
    """The nav link: the ledger of the top unit of the user's scope."""

    def get(self, request):
        root = unit_scope_roots(user=request.user).order_by("path").first()
        if root is None:
            return render(request, "problems/no_scope.html")
        return redirect("problems:ledger", root.pk)


class LedgerView(LoginRequiredMixin, View):
    """A unit's problem ledger (its whole subtree), filtered, 50 rows a page.

    It is the page people open most, so what it draws (breadcrumbs, heading, counts, filters,
    rows) is cached per viewer under the query, the language and the data versions of the unit's
    subtree and of the tree, roles, campaigns and programs (problems/versions.py). What the
    viewer may see and do is decided when the page is drawn, from data those versions cover, so
    a change of data or of role gives a new key: a repeated view costs one query besides the
    session and the user, and never shows stale rows."""

    def get(self, request, pk):
        versions = selectors.ledger_versions(unit_pk=pk)
        key = self._cache_key(request, pk, versions) if versions else None
        parts = cache.get(key) if key else None
        if parts is None:
            parts = self._draw(request, pk, versions)
            if key:
                cache.set(key, parts, LEDGER_CACHE_SECONDS)
        return render(request, "problems/ledger.html", parts)

    @staticmethod
    def _cache_key(request, pk, versions) -> str:
        user = request.user
        raw = repr(
            (
                (user.pk, user.is_superuser, user.is_active),
                pk,
                versions,
                get_language(),
                sorted(request.GET.lists()),
                timezone.localdate().isoformat(),
            )
        )
        return "problems:ledger:" + hashlib.sha256(raw.encode()).hexdigest()

    @staticmethod
    def _filter_choices(user, unit, versions) -> tuple | None:
        """The filters' campaigns, aspects and programs, cached apart from the page: they
        change with the tree, roles, campaigns and programs, not with every problem written,
        so a page drawn after a write takes them from here (three queries fewer)."""
        if not versions:
            return None
        tokens = [token for name, token in versions if name in REFERENCE_KEYS]
        raw = repr(((user.pk, user.is_superuser, user.is_active), unit.pk, tokens))
        key = "problems:ledger-filters:" + hashlib.sha256(raw.encode()).hexdigest()
        choices = cache.get(key)
        if choices is None:
            choices = forms.ledger_filter_choices(user=user, unit=unit)
            cache.set(key, choices, LEDGER_CACHE_SECONDS)
        return choices

    @classmethod
    def _draw(cls, request, pk, versions) -> dict:
        unit = unit_get(user=request.user, pk=pk)
        filters = forms.ledger_filters(
            user=request.user,
            unit=unit,
            data=request.GET,
            choices=cls._filter_choices(request.user, unit, versions),
        )
        ledger = selectors.problem_ledger(user=request.user, unit=unit, **filters.criteria())
        paginator: Paginator[Any]
        if ledger.capped:  # a common word: no count of its hits, by light or at all
            counts, paginator = None, ledger.paginator(PAGE_SIZE)
        else:
            counts = ledger_counts_for(
                user=request.user, unit=unit, criteria=filters.criteria(), problems=ledger.rows
            )
            paginator = Paginator(ledger.rows, PAGE_SIZE)
            paginator.count = counts.total  # known already: no second COUNT query
        context = {
            "unit": unit,
            "campaign": filters.latest,
            "filters": filters,
            "page": paginator.get_page(request.GET.get("page")),
            "counts": counts,
            "search": ledger,
            "can_record": user_can(request.user, "record", unit),
            "programs": filters.programs,
            "breadcrumbs": unit_breadcrumbs(user=request.user, unit=unit),
        }
        return {
            "crumbs": render_to_string("core/partials/breadcrumbs.html", context),
            "bulk_url": reverse("problems:bulk", args=[unit.pk]),
            "head": render_to_string("problems/ledger_head.html", context, request),
            "table": render_to_string("problems/ledger_table.html", context, request),
        }


class BulkView(LoginRequiredMixin, View):
    """A bulk action on ticked rows: first a confirmation page, then the change. Rows outside
    the user's record scope (or the unit's subtree) are left out, never touched."""

    def post(self, request, pk):
        unit = unit_get(user=request.user, pk=pk)
        if not user_can(request.user, "record", unit):
            raise PermissionDenied(_("您没有在该单位登记问题的权限。"))
        programs = selectors.special_program_list(
            user=request.user, campaigns=selectors.campaigns_for_unit(unit=unit)
        )
        form = forms.BulkForm(request.POST, programs=programs)
        back = reverse("problems:ledger", args=[unit.pk])
        if not form.is_valid():
            messages.error(request, _form_errors(form))
            return redirect(back)
        data = form.cleaned_data
        problems = list(selectors.problems_for_bulk(user=request.user, unit=unit, ids=data["ids"]))
        if not data["confirmed"]:
            context = {
                "unit": unit,
                "form": form,
                "problems": problems,
                "program": data["program"],
                "breadcrumbs": unit_breadcrumbs(user=request.user, unit=unit),
            }
            return render(request, "problems/bulk_confirm.html", context)
        try:
            changed = services.special_program_assign(
                actor=request.user, program=data["program"], problems=problems
            )
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(
                request,
                _("已将 %(n)d 个问题纳入“%(program)s”。")
                % {"n": changed, "program": data["program"].name},
            )
        return redirect(back)


class ProblemCreateView(LoginRequiredMixin, View):
    """The record form: a problem and its first measure, one keyboard pass."""

    def _setup(self, request, pk):
        unit = unit_get(user=request.user, pk=pk)
        if not user_can(request.user, "record", unit):
            raise PermissionDenied(_("您没有在该单位登记问题的权限。"))
        campaign = selectors.default_campaign(unit=unit, pk=request.GET.get("campaign"))
        return unit, campaign

    def _form(self, request, unit, campaign, data=None):
        aspects = selectors.problem_aspects(campaigns=[campaign] if campaign else [])
        return forms.ProblemRecordForm(
            data,
            units=selectors.units_for_record(user=request.user, unit=unit),
            aspects=aspects,
            people=person_choices(user=request.user, unit=unit),
        )

    def _render(self, request, unit, campaign, form, status=200):
        context = {
            "unit": unit,
            "campaign": campaign,
            "form": form,
            "breadcrumbs": unit_breadcrumbs(user=request.user, unit=unit),
        }
        return render(request, "problems/record.html", context, status=status)

    def get(self, request, pk):
        unit, campaign = self._setup(request, pk)
        return self._render(request, unit, campaign, self._form(request, unit, campaign))

    def post(self, request, pk):
        unit, campaign = self._setup(request, pk)
        form = self._form(request, unit, campaign, request.POST)
        if form.is_valid():
            data = dict(form.cleaned_data)
            measure = data.pop("measure")
            try:
                problem = services.problem_create(
                    actor=request.user,
                    campaign=campaign,
                    first_measure={"text": measure} if measure else None,
                    **data,
                )
            except DomainError as error:
                if error.code == "forbidden":
                    raise PermissionDenied(error.message) from error
                apply_domain_error(form, error)
            else:
                messages.success(request, _("已登记问题“%(title)s”。") % {"title": problem.title})
                if request.POST.get("next") == "another":
                    url = reverse("problems:create", args=[unit.pk])
                    return redirect(f"{url}?campaign={campaign.pk}" if campaign else url)
                return redirect(problem)
        return self._render(request, unit, campaign, form, status=400)


class ProblemDetailView(LoginRequiredMixin, View):
    def get(self, request, pk):
        problem = selectors.problem_detail(user=request.user, pk=pk)
        recorder = can_record(request.user, problem)
        reviewer = can_review(request.user, problem)
        closeouts = list(problem.closeouts.all())
        extensions = list(problem.extensions.all())
        context = {
            "problem": problem,
            "unit": problem.unit,
            "measures": list(problem.measures.all()),
            "reports": list(problem.reports.all()),
            "closeouts": closeouts,
            "extensions": extensions,
            "pending_closeout": next(
                (c for c in closeouts if c.state == CloseOutState.PENDING), None
            ),
            "pending_extension": next(
                (e for e in extensions if e.state == ExtensionState.PENDING), None
            ),
            "history": selectors.problem_history(problem=problem),
            "can_record": recorder,
            "can_review": reviewer,
            "can_close": recorder and problem.can_submit_closeout(),
            "is_closed": problem.state == ProblemState.CLOSED,
            "decide_form": forms.DecideForm(),
            "extension_decide_form": forms.ExtensionDecideForm(),
            "complete_form": forms.MeasureCompleteForm(),
            "breadcrumbs": unit_breadcrumbs(user=request.user, unit=problem.unit),
        }
        return render(request, "problems/detail.html", context)


class ProblemActionView(ObjectActionView):
    """A form on a problem that one service handles; needs the record right (else 403)."""

    def get_object(self, pk):
        problem = selectors.problem_get(user=self.request.user, pk=pk)
        if not can_record(self.request.user, problem):
            raise PermissionDenied(_("您没有在该单位登记问题的权限。"))
        return problem

    def get_heading(self, problem) -> str:
        return problem.title

    def get_extra_context(self, problem) -> dict:
        return {"problem": problem}


class MeasureCreateView(ProblemActionView):
    title = gettext_lazy("添加整改措施")
    form_class = forms.MeasureForm
    success = gettext_lazy("已添加整改措施。")

    def form_kwargs(self, problem):
        return {"people": person_choices(user=self.request.user, unit=problem.unit)}

    def perform(self, problem, data):
        services.measure_add(actor=self.request.user, problem=problem, **data)


class ReportCreateView(ProblemActionView):
    title = gettext_lazy("报告整改进展")
    form_class = forms.ReportForm
    success = gettext_lazy("已报告整改进展。")
    multipart = True

    def perform(self, problem, data):
        services.progress_report_add(actor=self.request.user, problem=problem, **data)


class EvidenceCreateView(ProblemActionView):
    title = gettext_lazy("上传佐证材料")
    form_class = forms.EvidenceForm
    success = gettext_lazy("已上传佐证材料。")
    multipart = True

    def perform(self, problem, data):
        services.evidence_add_many(actor=self.request.user, problem=problem, files=data["files"])


class CloseOutSubmitView(ProblemActionView):
    title = gettext_lazy("申请销号")
    submit_label = gettext_lazy("提交销号申请")
    form_class = forms.CloseOutForm
    success = gettext_lazy("已提交销号申请，等待上级审核。")
    multipart = True

    def form_kwargs(self, problem):
        return {"measures": problem.measures.exclude(state=MeasureState.DONE).order_by("pk")}

    def perform(self, problem, data):
        services.closeout_submit(actor=self.request.user, problem=problem, **data)


class ExtensionRequestView(ProblemActionView):
    title = gettext_lazy("申请延期")
    form_class = forms.ExtensionForm
    success = gettext_lazy("已提交延期申请，等待上级审批。")

    def perform(self, problem, data):
        services.extension_request(actor=self.request.user, problem=problem, **data)


class MeasureCompleteView(LoginRequiredMixin, View):
    def post(self, request, pk):
        measure = selectors.measure_get(user=request.user, pk=pk)
        problem = measure.problem
        if not can_record(request.user, problem):
            raise PermissionDenied(_("您没有在该单位登记问题的权限。"))
        form = forms.MeasureCompleteForm(request.POST)
        if not form.is_valid():
            messages.error(request, _form_errors(form))
            return redirect(problem)
        try:
            services.measure_complete(
                actor=request.user, measure=measure, done_on=form.cleaned_data["done_on"]
            )
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("整改措施已标记完成。"))
        return redirect(problem)


class DecideMixin(LoginRequiredMixin):
    """A reviewer's decision: out of review scope is a 404, in it but not above the unit (or
    not in its guidance group) a 403. A decision that lost a race gets the service's message."""

    def decide(self, request, record, form_class, call, success):
        problem = record.problem
        if not can_review(request.user, problem):
            raise PermissionDenied(_("只有上级单位或联系该单位的指导组可以审核。"))
        form = form_class(request.POST)
        if not form.is_valid():
            messages.error(request, _form_errors(form))
            return redirect(problem)
        try:
            call(form.cleaned_data)
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, success)
        if request.POST.get("next") == "inbox":
            return redirect("problems:inbox")
        return redirect(problem)


class CloseOutDecideView(DecideMixin, View):
    def post(self, request, pk):
        closeout = selectors.closeout_get(user=request.user, pk=pk, action="review")

        def call(data):
            accept = data["decision"] == "accept"
            services.closeout_decide(
                actor=request.user,
                closeout=closeout,
                accept=accept,
                decided_on=data["decided_on"],
                reason=data["reason"],
                next_checkpoint=data["next_checkpoint"],
            )

        # The message names the decision taken, not just that one was.
        accepted = request.POST.get("decision") == "accept"
        success = _("已同意销号。") if accepted else _("已退回销号申请。")
        return self.decide(request, closeout, forms.DecideForm, call, success)


class ExtensionDecideView(DecideMixin, View):
    def post(self, request, pk):
        extension = selectors.extension_get(user=request.user, pk=pk, action="review")

        def call(data):
            services.extension_decide(
                actor=request.user,
                extension=extension,
                approve=data["decision"] == "approve",
                decided_on=data["decided_on"],
                note=data["note"],
            )

        # The message names the decision taken.
        approved = request.POST.get("decision") == "approve"
        success = _("已同意延期。") if approved else _("已不同意延期。")
        return self.decide(request, extension, forms.ExtensionDecideForm, call, success)


class EvidenceDownloadView(LoginRequiredMixin, View):
    """Evidence leaves the private storage only here, after the scope check (else 404)."""

    def get(self, request, pk):
        evidence, handle = selectors.evidence_open(user=request.user, pk=pk)
        return download(handle, name=evidence.original_name, content_type=evidence.content_type)


class InboxView(LoginRequiredMixin, View):
    """The reviewer's inbox: close-outs and deadline extensions waiting for a decision."""

    def get(self, request):
        page = page_of(request, selectors.closeout_inbox(user=request.user))
        ids = [c.problem_id for c in page]
        evidence = selectors.evidence_by_problem(problem_ids=ids)
        measures = selectors.measures_by_problem(problem_ids=ids)
        reports = selectors.report_counts(problem_ids=ids)
        for closeout in page:  # all the problem's evidence, not only the request's files
            closeout.all_evidence = evidence.get(closeout.problem_id, [])
            closeout.all_measures = measures.get(closeout.problem_id, [])
            closeout.measures_done = sum(
                m.state == MeasureState.DONE for m in closeout.all_measures
            )
            closeout.report_count = reports.get(closeout.problem_id, 0)
        context = {
            "page": page,
            "bulk_form": forms.BulkDecideForm(auto_id="bulk_%s"),
            "extensions": page_of(
                request, selectors.extension_inbox(user=request.user), param="extensions_page"
            ),
        }
        return render(request, "problems/inbox.html", context)


class CloseOutDecideManyView(LoginRequiredMixin, View):
    """One opinion on the close-outs ticked in the inbox; each is decided on its own (its
    checks, transition and audit entry), and those refused are named."""

    def post(self, request):
        pending = selectors.closeout_inbox(user=request.user)
        ids = [int(pk) for pk in request.POST.getlist("closeouts") if pk.isdigit()]
        choices = list(pending.filter(pk__in=ids).values_list("pk", flat=True))
        form = forms.BulkDecideForm(request.POST, choices=choices)
        if not form.is_valid():
            messages.error(request, _form_errors(form))
            return redirect("problems:inbox")
        data = form.cleaned_data
        decided, refused = services.closeout_decide_many(
            actor=request.user,
            closeouts=list(pending.filter(pk__in=data["closeouts"])),
            accept=data["decision"] == "accept",
            decided_on=data["decided_on"],
            reason=data["reason"],
        )
        if decided:
            verdict = _("同意销号") if data["decision"] == "accept" else _("退回重改")
            messages.success(
                request,
                _("已审核 %(n)d 件销号申请：%(verdict)s。")
                % {"n": len(decided), "verdict": verdict},
            )
        titles = dict(pending.filter(pk__in=list(refused)).values_list("pk", "problem__title"))
        for pk, error in refused.items():
            messages.error(request, f"{titles.get(pk, '')}：{error.message}")
        return redirect("problems:inbox")
