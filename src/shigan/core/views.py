from django.contrib.auth.mixins import LoginRequiredMixin
from django.shortcuts import render
from django.views import View

from shigan.core.api import api_error_response, is_api_request
from shigan.orgs.selectors import unit_scope_roots

__all__ = ["HomeView"]


class HomeView(LoginRequiredMixin, View):
    def get(self, request):
        roots = list(unit_scope_roots(user=request.user)[:50])
        memberships = request.user.memberships.select_related("unit").order_by("unit__path")
        return render(request, "core/home.html", {"roots": roots, "memberships": memberships})


def error_404(request, exception=None):
    if is_api_request(request):  # an API client gets the API's JSON error, not a page
        return api_error_response(404)
    return render(request, "404.html", status=404)


def error_403(request, exception=None):
    return render(request, "403.html", {"reason": str(exception or "")}, status=403)


def csrf_failure(request, reason=""):
    return render(request, "403_csrf.html", status=403)
