"""Pages that start from the top units of the user's scope: the home page and a pillar's nav
entry. The home page keeps its name `core:home` (the root URLconf puts it in core's
namespace: core, the bottom floor, knows no units)."""

from typing import TYPE_CHECKING

from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views import View

from shigan.accounts.models import User
from shigan.orgs.models import Unit
from shigan.orgs.selectors import unit_scope_roots

if TYPE_CHECKING:  # a stub-only type: django-stubs-ext is not installed in production
    from django_stubs_ext import StrOrPromise

__all__ = ["HomeView", "ScopeIndexView"]


class HomeView(LoginRequiredMixin, View):
    def get(self, request: HttpRequest) -> HttpResponse:
        roots = list(unit_scope_roots(user=request.user).order_by("path")[:50])
        user = request.user
        assert isinstance(user, User)  # LoginRequiredMixin
        memberships = user.memberships.select_related("unit").order_by("unit__path")
        return render(request, "core/home.html", {"roots": roots, "memberships": memberships})


class ScopeIndexView(LoginRequiredMixin, View):
    """A pillar's nav entry: the pillar's page of the one top unit of the user's scope, or the
    list of those units when there are several (a guidance group's units), so that the entry
    works for every role. Apps give the title and `unit_url(request, unit)`; a unit for which it
    returns None (no campaign covers it) is left out."""

    title: "StrOrPromise" = ""

    def unit_url(self, request: HttpRequest, unit: Unit) -> str | None:
        raise NotImplementedError

    def get(self, request: HttpRequest) -> HttpResponse:
        roots = list(unit_scope_roots(user=request.user).order_by("path")[:200])
        found = [(unit, self.unit_url(request, unit)) for unit in roots]
        links = [(unit, url) for unit, url in found if url]
        if len(links) == 1:
            return redirect(links[0][1])
        return render(request, "core/scope_index.html", {"title": self.title, "links": links})
