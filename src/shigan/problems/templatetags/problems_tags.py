"""Tags of the problem ledger: the traffic light as a coloured dot with its word (colour is
never the only signal), and the ledger's filters."""

import functools
from html import escape

from django import forms, template
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, gettext
from django.utils.translation import gettext_lazy as _

from shigan.metrics.registry import METRICS
from shigan.metrics.selectors import figures_of
from shigan.problems.choices import (
    UNFINISHED_STATES,
    Light,
    MeasureState,
    ProblemSource,
    ProblemState,
    ProblemTerm,
)

register = template.Library()

_CHOICES = {
    "source": ProblemSource,
    "state": ProblemState,
    "term": ProblemTerm,
    "light": Light,
    "measure_state": MeasureState,
}


@functools.lru_cache(maxsize=256)
def _label(language: str, kind: str, value: str) -> str:
    labels = _CHOICES[kind]
    return str(labels(value).label) if value in labels.values else value


@register.simple_tag
def choice_label(kind: str, value) -> str:
    """A choice's label in the current language, worked out once per language, not per row
    (Model.get_FOO_display hashes every lazy label of the field at each call)."""
    return _label(get_language() or "", kind, value or "")


@register.simple_tag
def light_dot(problem):
    """The problem's light; a finished problem has none (shown as a dash). The dot's look is
    in shigan.css (.light-dot), not inline: the ledger draws 50 of them."""
    if problem.state not in UNFINISHED_STATES or not problem.light:
        return _light_html("", "")
    return _light_html(get_language() or "", problem.light)


@functools.lru_cache(maxsize=64)
def _light_html(language: str, value: str) -> str:
    """A light's markup, drawn once per language (the ledger shows one per row)."""
    if not value:
        return format_html('<span class="light light-none">{}</span>', "—")
    light = Light(value)
    return format_html(
        '<span class="light light-{}"><span class="light-dot {}" aria-hidden="true"></span>{}'
        "</span>",
        light.value,
        light.value,
        light.label,
    )


TAB_METRICS = (
    ("problems.found", _("问题数")),
    ("problems.closed", _("已销号问题数")),
    ("problems.overdue", _("逾期问题数")),
    ("problems.measures", _("整改措施数")),
    ("problems.special_programs", _("专项整治数")),
    ("problems.rules", _("建章立制数")),
)


@register.simple_tag
def problems_figures(user, unit, campaign, as_of=None):
    """The figures of the workspace tab: [(metric key, label, value)]."""
    figures = figures_of(user=user, unit=unit)
    return [
        (key, label, figures.value(key, campaign=campaign, as_of=as_of))
        for key, label in TAB_METRICS
        if key in METRICS
    ]


@register.simple_tag
def filter_field(field):
    """One filter of the ledger as `<label>text control</label>`, drawn directly rather than
    through Django's widget templates (a dozen selects through those cost more than the rest
    of the page)."""
    name, label = field.html_name, field.label
    value = field.value()
    widget = field.field.widget
    if isinstance(widget, forms.CheckboxInput):
        checked = mark_safe(" checked") if value else ""
        return format_html(
            '<label><input type="checkbox" name="{}"{}> {}</label>', name, checked, label
        )
    if isinstance(widget, forms.Select):
        current = "" if value is None else str(value)
        options = format_html_join(
            "",
            '<option value="{}"{}>{}</option>',
            (
                (v, mark_safe(" selected") if str(v) == current else "", text)
                for v, text in field.field.choices
            ),
        )
        return format_html(
            '<label>{} <select name="{}" id="{}">{}</select></label>',
            label,
            name,
            field.auto_id,
            options,
        )
    kind = "date" if isinstance(widget, forms.DateInput) else "text"
    if value is None:
        value = ""
    elif hasattr(value, "isoformat"):
        value = value.isoformat()
    return format_html(
        '<label>{} <input type="{}" name="{}" id="{}" value="{}"></label>',
        label,
        kind,
        name,
        field.auto_id,
        value,
    )


_ROW = (
    '<tr>{checkbox}<td class="mono card-hide">{number}</td><td class="card-title"><a '
    'id="problem-{pk}" href="{prefix}{pk}/">{title}</a>{program}</td><td data-label="{l0}">'
    '{unit}</td><td class="card-hide">{aspect}</td><td class="card-hide">{source}</td>'
    '<td class="nowrap" data-label="{l1}">{limit}</td><td class="card-hide">{percent}%</td>'
    '<td class="nowrap" data-label="{l2}">{light}</td><td data-label="{l3}"><span '
    'class="badge">{state}</span></td></tr>'
)
_CHECKBOX = (
    '<td class="card-hide"><input type="checkbox" name="ids" value="{pk}" '
    'aria-labelledby="problem-{pk}"></td>'
)


@functools.lru_cache(maxsize=256)
def _escaped_label(language: str, kind: str, value: str) -> str:
    return escape(_label(language, kind, value))


def _row_parts(context) -> tuple[str, list[str]]:
    """The detail URL prefix of any problem (its id and "/" follow) and the escaped card
    labels of a phone-width row (shigan.css .table.cards), once per page."""
    parts = context.render_context.get("problems_row_parts")
    if parts is None:
        prefix = reverse("problems:detail", args=[0])[: -len("0/")]
        labels = [escape(gettext(w)) for w in ("责任单位", "整改时限", "红黄绿灯", "状态")]
        parts = context.render_context["problems_row_parts"] = (escape(prefix), labels)
    return parts


@register.simple_tag(takes_context=True)
def ledger_row(context, problem, number, selectable):
    """One row of the ledger, built here rather than by template nodes: the ledger shows 50
    of them and is the page people open most (bench/dashboards.py). Each text is escaped
    once with the standard library's escape (what Django's escape does), not through
    format_html's lazy wrappers, which cost more than the rest of the row."""
    prefix, labels = _row_parts(context)
    language = get_language() or ""
    pk = int(problem.pk)
    if problem.deadline:
        limit = problem.deadline.isoformat()
    else:
        limit = _escaped_label(language, "term", problem.term)
    row = _ROW.format(
        checkbox=_CHECKBOX.format(pk=pk) if selectable else "",
        number=escape(str(number)),
        pk=pk,
        prefix=prefix,
        title=escape(problem.title),
        program=(
            f'<br><small class="muted">{escape(problem.special_program.name)}</small>'
            if problem.special_program_id
            else ""
        ),
        l0=labels[0],
        unit=escape(problem.unit.name),
        aspect=escape(problem.aspect.name) if problem.aspect_id else "—",
        source=_escaped_label(language, "source", problem.source),
        l1=labels[1],
        limit=limit,
        percent=int(problem.progress_percent),
        l2=labels[2],
        light=light_dot(problem),
        l3=labels[3],
        state=_escaped_label(language, "state", problem.state),
    )
    return mark_safe(row)  # every part above is escaped or a number
