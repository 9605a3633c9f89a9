"""Generic views shared by every app (after NetBox's generic object views): one object-action
page and one domain-error mapping, so a fix to either lands once."""

from typing import TYPE_CHECKING, Any

from django import forms
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.db.models.fields.files import FieldFile
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy
from django.views import View

from shigan.core.downloads import field_download
from shigan.core.edits import EditForm
from shigan.core.errors import DomainError

if TYPE_CHECKING:  # a stub-only type: django-stubs-ext is not installed in production
    from django_stubs_ext import StrOrPromise

__all__ = ["FileFieldView", "ObjectActionView", "apply_domain_error"]

# A model object or a page dict: each subclass knows which, and names it in its overrides.
PageObject = Any


def apply_domain_error(form: forms.BaseForm, error: DomainError) -> None:
    """Show a service's refusal on the form: on its field when the form has it, else on top."""
    form.add_error(error.field if error.field in form.fields else None, error.message)


class ObjectActionView(LoginRequiredMixin, View):
    """A form for one action on one object that one service performs.

    GET shows the form; POST validates it and calls `perform(obj, data)`, which returns where to
    go (None: the object's page). A DomainError becomes form errors (400), except the code
    "forbidden", which is a 403. Subclasses give `get_object(**url_kwargs)` (a 404 outside
    scope, a 403 without the right) and the form; the page is core/generic/form.html unless
    `template_name` says otherwise. `obj` is a model object, or a dict for pages that gather
    several (with "heading", "back" and "unit")."""

    template_name = "core/generic/form.html"
    title: "StrOrPromise" = ""
    form_class: type[forms.BaseForm] | None = None
    success: "StrOrPromise" = ""
    multipart = False
    submit_label = gettext_lazy("保存")

    def get_object(self, **kwargs: Any) -> PageObject:
        raise NotImplementedError

    def form_kwargs(self, obj: PageObject) -> dict[str, Any]:
        return {}

    def get_form(self, obj: PageObject, data: Any = None, files: Any = None) -> forms.BaseForm:
        assert self.form_class is not None, "a subclass names its form_class or overrides get_form"
        return self.form_class(data, files, **self.form_kwargs(obj))

    def form_data(self, form: forms.BaseForm) -> dict[str, Any]:
        """What `perform` gets from a valid form: from an edit form (core.edits), only the
        fields the user changed, and what the form showed for them as `seen`."""
        if isinstance(form, EditForm):
            changes, seen = form.edits()
            return {**changes, "seen": seen}
        return form.cleaned_data

    def perform(self, obj: PageObject, data: dict[str, Any]) -> str | None:
        raise NotImplementedError

    # A page dict gives "heading", "back" and "unit" itself; a model object its str, its page
    # and its unit.
    def get_heading(self, obj: PageObject) -> str:
        return str(obj.get("heading", "")) if isinstance(obj, dict) else str(obj)

    def get_back(self, obj: PageObject) -> str:
        back: str = obj["back"] if isinstance(obj, dict) else obj.get_absolute_url()
        return back

    def get_unit(self, obj: PageObject) -> Any:  # an orgs Unit (a floor above) or None
        return obj.get("unit") if isinstance(obj, dict) else getattr(obj, "unit", None)

    def get_success_message(self, obj: PageObject, result: str | None) -> str:
        return str(self.success)

    def get_extra_context(self, obj: PageObject) -> dict[str, Any]:
        return {}

    def render_form(self, obj: PageObject, form: forms.BaseForm, status: int = 200) -> HttpResponse:
        unit = self.get_unit(obj)
        context = {
            "object": obj,
            "unit": unit,
            "form": form,
            "title": self.title,
            "heading": self.get_heading(obj),
            "back": self.get_back(obj),
            "multipart": self.multipart,
            "submit_label": self.submit_label,
            "breadcrumbs": unit.breadcrumbs(self.request.user) if unit else [],
            **self.get_extra_context(obj),
        }
        return render(self.request, self.template_name, context, status=status)

    def get(self, request: HttpRequest, **kwargs: Any) -> HttpResponse:
        obj = self.get_object(**kwargs)
        return self.render_form(obj, self.get_form(obj))

    def post(self, request: HttpRequest, **kwargs: Any) -> HttpResponse:
        obj = self.get_object(**kwargs)
        form = self.get_form(obj, request.POST, request.FILES)
        if form.is_valid():
            try:
                target = self.perform(obj, self.form_data(form))
            except DomainError as error:
                if error.code == "forbidden":
                    raise PermissionDenied(error.message) from error
                apply_domain_error(form, error)
            else:
                message = self.get_success_message(obj, target)
                if message:
                    messages.success(request, message)
                return redirect(target if target is not None else self.get_back(obj))
        return self.render_form(obj, form, status=400)


class FileFieldView(LoginRequiredMixin, View):
    """A record's attached file, downloaded: `get_file(pk)` finds the record through its app's
    selector (404 outside the user's scope) and returns the file field; no file is a 404."""

    def get_file(self, pk: int) -> FieldFile | None:
        raise NotImplementedError

    def get(self, request: HttpRequest, pk: int) -> HttpResponseBase:
        file = self.get_file(pk)
        if not file:
            raise Http404
        return field_download(file)
