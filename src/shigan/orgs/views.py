"""Unit pages. Each view parses, calls one selector or service, renders."""

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views import View

from shigan.accounts.requests import AuthenticatedRequest, signed_in_user
from shigan.core.errors import DomainError
from shigan.core.generic import apply_domain_error
from shigan.core.htmx import is_htmx
from shigan.core.pagination import page_of
from shigan.orgs import selectors, services
from shigan.orgs.forms import (
    MembershipGrantForm,
    PersonForm,
    UnitCreateForm,
    UnitForm,
    UnitMoveForm,
)
from shigan.orgs.models import Membership, Person, Unit
from shigan.orgs.permissions import user_can

__all__ = [
    "UnitDetailView",
    "UnitEditView",
    "UnitCreateView",
    "UnitMoveView",
    "UnitTreeView",
    "UnitChildrenView",
    "UnitSearchView",
    "MembershipView",
    "MembershipRevokeView",
    "PersonListView",
    "PersonCreateView",
    "PersonEditView",
    "PersonDeactivateView",
    "PersonReactivateView",
]


class UnitActionMixin(LoginRequiredMixin):
    """Looks the unit up in the user's view scope (404 outside it), then checks `action` (403)."""

    action = "view"
    # What the View this mixes into sets.
    request: HttpRequest
    kwargs: dict[str, Any]

    def get_unit(self) -> Unit:
        unit = selectors.unit_get(user=self.request.user, pk=self.kwargs["pk"])
        if self.action != "view" and not user_can(self.request.user, self.action, unit):
            raise PermissionDenied(_("您没有在该单位进行此操作的权限。"))
        self.request.session["current_unit"] = unit.pk
        return unit

    def unit_context(self, unit: Unit, **extra: object) -> dict[str, object]:
        user = self.request.user
        return {
            "unit": unit,
            "breadcrumbs": selectors.unit_breadcrumbs(user=user, unit=unit),
            "can_change": user_can(user, "change", unit),
            "can_manage": user_can(user, "manage", unit),
            "can_record": user_can(user, "record", unit),
            **extra,
        }


class UnitDetailView(UnitActionMixin, View):
    def get(self, request: AuthenticatedRequest, pk: int) -> HttpResponse:
        unit = self.get_unit()
        children, more = selectors.unit_children(user=request.user, unit=unit, limit=50)
        context = self.unit_context(
            unit,
            children=children,
            more_children=more,
            people=selectors.person_list(user=request.user, unit=unit)[:50],
        )
        return render(request, "orgs/unit_detail.html", context)


class UnitEditView(UnitActionMixin, View):
    action = "change"

    def get_form(self, unit: Unit, data: Any = None) -> UnitForm:
        fields = ("name", "short_name", "kind", "active")
        return UnitForm(data, initial={name: getattr(unit, name) for name in fields})

    def get(self, request: AuthenticatedRequest, pk: int) -> HttpResponse:
        unit = self.get_unit()
        form = self.get_form(unit)
        return render(request, "orgs/unit_form.html", self.unit_context(unit, form=form))

    def post(self, request: AuthenticatedRequest, pk: int) -> HttpResponse:
        unit = self.get_unit()
        form = self.get_form(unit, request.POST)
        if form.is_valid():
            changes, seen = form.edits()
            try:
                services.unit_update(actor=request.user, unit=unit, seen=seen, **changes)
            except DomainError as error:
                apply_domain_error(form, error)
            else:
                messages.success(request, _("单位信息已保存。"))
                return redirect(unit)
        return render(
            request, "orgs/unit_form.html", self.unit_context(unit, form=form), status=400
        )


class UnitCreateView(UnitActionMixin, View):
    action = "change"

    def get(self, request: AuthenticatedRequest, pk: int) -> HttpResponse:
        unit = self.get_unit()
        return render(
            request, "orgs/unit_create.html", self.unit_context(unit, form=UnitCreateForm())
        )

    def post(self, request: AuthenticatedRequest, pk: int) -> HttpResponse:
        parent = self.get_unit()
        form = UnitCreateForm(request.POST)
        if form.is_valid():
            try:
                unit = services.unit_create(actor=request.user, parent=parent, **form.cleaned_data)
            except DomainError as error:
                apply_domain_error(form, error)
            else:
                messages.success(request, _("已创建单位“%(name)s”。") % {"name": unit.name})
                return redirect(unit)
        context = self.unit_context(parent, form=form)
        return render(request, "orgs/unit_create.html", context, status=400)


class UnitMoveView(UnitActionMixin, View):
    action = "change"

    def _form(self, data: QueryDict | None = None) -> UnitMoveForm:
        return UnitMoveForm(data, scope=Unit.objects.restrict(self.request.user, "change"))

    def get(self, request: AuthenticatedRequest, pk: int) -> HttpResponse:
        unit = self.get_unit()
        return render(request, "orgs/unit_move.html", self.unit_context(unit, form=self._form()))

    def post(self, request: AuthenticatedRequest, pk: int) -> HttpResponse:
        unit = self.get_unit()
        form = self._form(request.POST)
        if form.is_valid():
            try:
                unit = services.unit_move(
                    actor=request.user, unit=unit, new_parent=form.cleaned_data["new_parent"]
                )
            except DomainError as error:
                apply_domain_error(form, error)
            else:
                messages.success(request, _("已移动单位及其全部下级单位。"))
                return redirect(unit)
        return render(
            request, "orgs/unit_move.html", self.unit_context(unit, form=form), status=400
        )


class UnitTreeView(LoginRequiredMixin, View):
    def get(self, request: AuthenticatedRequest) -> HttpResponse:
        roots = selectors.unit_scope_roots(user=request.user)
        return render(request, "orgs/unit_tree.html", {"roots": roots})


class UnitChildrenView(UnitActionMixin, View):
    """The htmx partial behind a tree node: one page of children, loaded when opened."""

    def get(self, request: AuthenticatedRequest, pk: int) -> HttpResponse:
        unit = self.get_unit()
        offset = _int(request.GET.get("offset"), 0)
        children, more = selectors.unit_children(user=request.user, unit=unit, offset=offset)
        context = {
            "unit": unit,
            "children": children,
            "more": more,
            "next_offset": offset + len(children),
        }
        return render(request, "orgs/partials/tree_children.html", context)


class UnitSearchView(LoginRequiredMixin, View):
    def get(self, request: AuthenticatedRequest) -> HttpResponse:
        query = request.GET.get("q", "")
        results = selectors.unit_search(user=request.user, query=query)
        template = (
            "orgs/partials/search_results.html" if is_htmx(request) else "orgs/unit_search.html"
        )
        return render(request, template, {"query": query, "results": results})


class MembershipView(UnitActionMixin, View):
    action = "manage"

    def get(
        self,
        request: AuthenticatedRequest,
        pk: int,
        form: MembershipGrantForm | None = None,
        status: int = 200,
    ) -> HttpResponse:
        unit = self.get_unit()
        context = self.unit_context(
            unit,
            form=form or MembershipGrantForm(),
            page=page_of(request, selectors.membership_list(user=request.user, unit=unit)),
        )
        return render(request, "orgs/memberships.html", context, status=status)

    def post(self, request: AuthenticatedRequest, pk: int) -> HttpResponse:
        unit = self.get_unit()
        form = MembershipGrantForm(request.POST)
        if form.is_valid():
            try:
                services.membership_grant(
                    actor=request.user,
                    user=form.cleaned_data["username"],
                    unit=unit,
                    role=form.cleaned_data["role"],
                )
            except DomainError as error:
                apply_domain_error(form, error)
            else:
                messages.success(request, _("已授予角色。"))
                return redirect("orgs:memberships", pk=unit.pk)
        return self.get(request, pk, form=form, status=400)


class MembershipRevokeView(UnitActionMixin, View):
    action = "manage"

    def post(self, request: AuthenticatedRequest, pk: int, membership_pk: int) -> HttpResponse:
        unit = self.get_unit()
        membership = get_object_or_404(
            Membership.objects.restrict(request.user, "manage").select_related("user", "unit"),
            pk=membership_pk,
            unit=unit,
        )
        if membership.user_id == request.user.pk and membership.role == "admin":
            messages.error(request, _("不能撤销自己的管理员角色，请由上级管理员操作。"))
            return redirect("orgs:memberships", pk=unit.pk)
        services.membership_revoke(actor=request.user, membership=membership)
        messages.success(request, _("已撤销角色。"))
        return redirect("orgs:memberships", pk=unit.pk)


def _int(value: str | None, default: int) -> int:
    if value is None:
        return default
    try:
        return max(0, int(value))
    except (TypeError, ValueError):
        return default


# -- the roster (人员名册) -----------------------------------------------------------------------


class PersonListView(UnitActionMixin, View):
    """The people of a unit: searched by name or pinyin initials, those who left on request."""

    def get(self, request: AuthenticatedRequest, pk: int) -> HttpResponse:
        unit = self.get_unit()
        query = request.GET.get("q", "").strip()
        inactive = request.GET.get("inactive") == "1"
        people = selectors.person_list(
            user=request.user, unit=unit, query=query, include_inactive=inactive
        )
        page = page_of(request, people)
        context = self.unit_context(unit, page=page, query=query, inactive=inactive)
        return render(request, "orgs/person_list.html", context)


class PersonFormMixin(UnitActionMixin):
    action = "record"

    def render_form(
        self, unit: Unit, form: PersonForm, person: Person | None = None, status: int = 200
    ) -> HttpResponse:
        context = self.unit_context(unit, form=form, person=person)
        return render(self.request, "orgs/person_form.html", context, status=status)

    def saved(self, form: PersonForm, person: Person, message: str) -> HttpResponse:
        messages.success(self.request, message % {"name": person.name})
        return redirect("orgs:people", pk=person.unit_id)


class PersonCreateView(PersonFormMixin, View):
    def get(self, request: AuthenticatedRequest, pk: int) -> HttpResponse:
        return self.render_form(self.get_unit(), PersonForm())

    def post(self, request: AuthenticatedRequest, pk: int) -> HttpResponse:
        unit = self.get_unit()
        form = PersonForm(request.POST)
        if form.is_valid():
            try:
                person = services.person_create(actor=request.user, unit=unit, **form.cleaned_data)
            except DomainError as error:
                apply_domain_error(form, error)
            else:
                return self.saved(form, person, _("已登记“%(name)s”。"))
        return self.render_form(unit, form, status=400)


class PersonEditView(PersonFormMixin, View):
    def get_person(self, unit: Unit) -> Person:
        return selectors.person_get(user=self.request.user, pk=self.kwargs["person_pk"], unit=unit)

    def get_form(self, person: Person, data: Any = None) -> PersonForm:
        initial = {key: getattr(person, key) for key in PersonForm.base_fields}
        return PersonForm(data, initial=initial)

    def get(self, request: AuthenticatedRequest, pk: int, person_pk: int) -> HttpResponse:
        unit = self.get_unit()
        person = self.get_person(unit)
        return self.render_form(unit, self.get_form(person), person)

    def post(self, request: AuthenticatedRequest, pk: int, person_pk: int) -> HttpResponse:
        unit = self.get_unit()
        person = self.get_person(unit)
        form = self.get_form(person, request.POST)
        if form.is_valid():
            changes, seen = form.edits()
            try:
                person = services.person_update(
                    actor=request.user, person=person, seen=seen, **changes
                )
            except DomainError as error:
                apply_domain_error(form, error)
            else:
                return self.saved(form, person, _("已保存“%(name)s”的信息。"))
        return self.render_form(unit, form, person, status=400)


class PersonDeactivateView(PersonEditView):
    """Asks first (GET), then takes the person off the roster (POST)."""

    def get(self, request: AuthenticatedRequest, pk: int, person_pk: int) -> HttpResponse:
        unit = self.get_unit()
        context = self.unit_context(unit, person=self.get_person(unit))
        return render(request, "orgs/person_deactivate.html", context)

    def post(self, request: AuthenticatedRequest, pk: int, person_pk: int) -> HttpResponse:
        return self.change(services.person_deactivate, _("“%(name)s”已停用，不再出现在名册中。"))

    def change(self, service: Callable[..., Person], message: str) -> HttpResponse:
        unit = self.get_unit()
        person = self.get_person(unit)
        try:
            service(actor=signed_in_user(self.request), person=person)
        except DomainError as error:
            messages.error(self.request, error.message)
        else:
            messages.success(self.request, message % {"name": person.name})
        return redirect("orgs:people", pk=unit.pk)


class PersonReactivateView(PersonDeactivateView):
    http_method_names = ["post"]

    def post(self, request: AuthenticatedRequest, pk: int, person_pk: int) -> HttpResponse:
        return self.change(services.person_reactivate, _("“%(name)s”已恢复在册。"))
