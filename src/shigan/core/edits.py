"""Edits by several people at once: each applies only what its user changed, and a change made
over someone else's change is refused (no lost update).

An edit form (`EditForm`) sends back, beside each field, the value it showed (Django's
`show_hidden_initial`: a hidden `initial-<name>` input that survives a redisplay of the form
with errors). `form.edits()` gives the fields the user changed, compared with what the form
showed them rather than with the database now, and what it showed for those fields. The view
passes both to the service: `thing_update(actor=…, thing=…, seen=seen, **changes)`. The service
locks the row and calls `refuse_edited_elsewhere(thing, seen)` before it changes anything, so of
two saves at once the second waits for the first and then sees its change.

Django's hidden initial was chosen over a signed snapshot of the shown values: it needs no
serialisation of dates, decimals and model choices (each field parses its own hidden value, as
`changed_data` does), and forging it gains nothing (it only disarms the user's own check, and
reloading the page does as much). Files carry no shown value: a file is changed by uploading one.
"""

import datetime
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

from django import forms
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db.models import Model
from django.utils.translation import gettext as _

from shigan.core.errors import CoreError, ErrorCode

__all__ = ["EditForm", "EditedElsewhere", "refuse_edited_elsewhere"]


class EditForm(forms.Form):
    """A form that edits a record: it remembers what it showed (see the module)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if not isinstance(field, forms.FileField):
                field.show_hidden_initial = True

    def shown(self, name: str) -> Any:
        """What the form showed for `name`: its hidden initial value, or — for a post that did
        not carry one (an older page, a script) — the initial the view gives now."""
        bound, field = self[name], self.fields[name]
        hidden = field.hidden_widget()
        if hidden.value_omitted_from_data(self.data, self.files, bound.html_initial_name):
            return bound.initial
        try:
            return field.to_python(
                hidden.value_from_datadict(self.data, self.files, bound.html_initial_name)
            )
        except ValidationError:
            return bound.initial

    def edits(self) -> tuple[dict[str, Any], dict[str, Any]]:
        """(changes, seen): the cleaned value of each field the user changed, and what the form
        showed for it. Call on a valid form."""
        changes, seen = {}, {}
        for name, field in self.fields.items():
            if field.disabled:
                continue
            bound = self[name]
            if isinstance(field, forms.FileField):
                if field.has_changed(bound.initial, bound.data):
                    changes[name] = self.cleaned_data[name]
                continue
            shown = self.shown(name)
            if field.has_changed(shown, bound.data):
                changes[name], seen[name] = self.cleaned_data[name], shown
        return changes, seen


class EditedElsewhere(CoreError):
    """A field the user changed was changed by someone else since their form was shown."""

    def __init__(self, message: str, *, fields: list[str]) -> None:
        super().__init__(message, code=ErrorCode.EDITED_ELSEWHERE)
        self.fields = fields


def refuse_edited_elsewhere(
    instance: Model,
    seen: Mapping[str, Any] | None,
    *,
    current: Mapping[str, Any] | None = None,
) -> None:
    """Refuse (EditedElsewhere, naming each field and its value now) when a field in `seen`
    differs on the locked `instance` from what the user saw. `current` gives the values that
    are not plain attributes (a list of related records). Without `seen` (the system, the
    demo, an import) nothing is checked."""
    if not seen:
        return
    current = current or {}
    clashes = []
    for name, shown in seen.items():
        now = current[name] if name in current else getattr(instance, name)
        if _comparable(now) != _comparable(shown):
            clashes.append((name, now))
    if clashes:
        message = "；".join(
            _("“%(field)s”已被他人修改为“%(value)s”")
            % {"field": _label(instance, name), "value": _display(instance, name, now)}
            for name, now in clashes
        )
        raise EditedElsewhere(
            message + _("，请刷新后重新修改。"), fields=[name for name, _now in clashes]
        )


def _comparable(value: Any) -> Any:
    """One form for a value as the model holds it and as a form parsed it."""
    if isinstance(value, Model):
        return value.pk
    if value is None or value == "":
        return ""
    if isinstance(value, bool):
        return value
    if isinstance(value, (int, float, Decimal)):
        return Decimal(str(value))
    if isinstance(value, datetime.date):
        return value
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, Iterable):
        return sorted(str(_comparable(item)) for item in value)
    return value


def _label(instance: Model, name: str) -> str:
    try:
        field = instance._meta.get_field(name)
    except FieldDoesNotExist:
        return name
    return str(getattr(field, "verbose_name", name))


def _display(instance: Model, name: str, value: Any) -> str:
    if value is None or value == "":
        return _("（空）")
    if isinstance(value, bool):
        return _("是") if value else _("否")
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, Iterable) and not isinstance(value, str):
        return "、".join(str(item) for item in value) or _("（空）")
    try:
        choices = dict(getattr(instance._meta.get_field(name), "flatchoices", ()))
    except FieldDoesNotExist:
        choices = {}
    return str(choices.get(value, value))
