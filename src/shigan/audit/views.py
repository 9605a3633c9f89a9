from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render
from django.views import View

from shigan.audit.display import display_entries
from shigan.audit.registry import ACTIONS
from shigan.audit.selectors import audit_entries, can_read_audit

__all__ = ["AuditListView"]


class AuditListView(LoginRequiredMixin, View):
    """The audit trail, read-only, for the audit administrator only."""

    def get(self, request):
        if not can_read_audit(request.user):
            raise Http404
        entries = audit_entries(
            user=request.user,
            action=request.GET.get("action", ""),
            actor=request.GET.get("actor", "").strip(),
        )
        page = Paginator(entries, 50).get_page(request.GET.get("page"))
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
