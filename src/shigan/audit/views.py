from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import render
from django.views import View

from shigan.audit.display import display_entries
from shigan.audit.exports import audit_export
from shigan.audit.forms import AuditExportForm
from shigan.audit.registry import ACTIONS
from shigan.audit.selectors import audit_entries, can_read_audit
from shigan.core.downloads import download
from shigan.core.errors import DomainError
from shigan.core.pagination import page_of

__all__ = ["AuditListView", "AuditExportView"]


class AuditListView(LoginRequiredMixin, View):
    """The audit trail, read-only, for the audit administrator only."""

    def get(self, request: HttpRequest) -> HttpResponse:
        if not can_read_audit(request.user):
            raise Http404
        entries = audit_entries(
            user=request.user,
            action=request.GET.get("action", ""),
            actor=request.GET.get("actor", "").strip(),
        )
        page = page_of(request, entries)
        # Actions listed by their Chinese words, in the order of those words.
        labelled = ((code, str(label)) for code, label in ACTIONS.items())
        actions = sorted(labelled, key=lambda action: action[1])
        context = {
            "page": page,
            "rows": display_entries(page.object_list),
            "actions": actions,
            "filters": request.GET,
        }
        return render(request, "audit/entry_list.html", context)


class AuditExportView(LoginRequiredMixin, View):
    """The audit administrator downloads a period as a signed file (JSON lines)."""

    def get(self, request: HttpRequest) -> HttpResponseBase:
        if not can_read_audit(request.user):
            raise Http404
        if "since" not in request.GET:
            return render(request, "audit/export.html", {"form": AuditExportForm()})
        form = AuditExportForm(request.GET)
        if form.is_valid():
            since, until = form.cleaned_data["since"], form.cleaned_data["until"]
            try:
                chunks = audit_export(actor=request.user, since=since, until=until)
            except DomainError as error:
                form.add_error(error.field if error.field in form.fields else None, error.message)
            else:
                # The trail names people and addresses: streamed, no cache keeps it.
                name = f"audit-{since:%Y%m%d}-{until:%Y%m%d}.jsonl"
                return download(chunks, name=name, content_type="application/x-ndjson")
        return render(request, "audit/export.html", {"form": form}, status=400)
