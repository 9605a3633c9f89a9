"""Tags of the problem ledger: the traffic light as a coloured dot with its word (colour is
never the only signal), and the ledger's filters."""

import functools

from django import forms, template
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, gettext
from django.utils.translation import gettext_lazy as _

from shigan.metrics.registry import METRICS
from shigan.metrics.selectors import metric_value
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
        return format_html('<span class="light light-none">{}</span>', "—")
    light = Light(problem.light)
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
def problems_figures(unit, campaign, as_of=None):
    """The figures of the workspace tab: [(metric key, label, value)] (the page that includes
    the tab has checked the unit against the user's scope)."""
    return [
        (key, label, metric_value(key, unit=unit, campaign=campaign, as_of=as_of))
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


@register.simple_tag(takes_context=True)
def ledger_row(context, problem, number, selectable):
    """One row of the ledger, built here rather than by template nodes: the ledger shows 50
    of them and is the page people open most (bench/ledger_http.py)."""
    prefix = context.render_context.get("problems_detail_prefix")
    if prefix is None:  # the detail URL of any problem is this prefix, its id and "/"
        prefix = reverse("problems:detail", args=[0])[: -len("0/")]
        context.render_context["problems_detail_prefix"] = prefix
    language = get_language() or ""
    pk = problem.pk
    labels = context.render_context.get("problems_row_labels")
    if labels is None:  # the card labels of a phone-width row (shigan.css .table.cards)
        labels = [gettext(w) for w in ("责任单位", "整改时限", "红黄绿灯", "状态")]
        context.render_context["problems_row_labels"] = labels
    checkbox = (
        format_html(
            '<td class="card-hide"><input type="checkbox" name="ids" value="{}" '
            'aria-labelledby="problem-{}"></td>',
            pk,
            pk,
        )
        if selectable
        else ""
    )
    program = (
        format_html('<br><small class="muted">{}</small>', problem.special_program.name)
        if problem.special_program_id
        else ""
    )
    if problem.deadline:
        limit = problem.deadline.isoformat()
    else:
        limit = _label(language, "term", problem.term)
    return format_html(
        '<tr>{}<td class="mono card-hide">{}</td><td class="card-title"><a id="problem-{}" '
        'href="{}{}/">{}</a>{}</td><td data-label="{}">{}</td><td class="card-hide">{}</td>'
        '<td class="card-hide">{}</td><td class="nowrap" data-label="{}">{}</td>'
        '<td class="card-hide">{}%</td><td class="nowrap" data-label="{}">{}</td>'
        '<td data-label="{}"><span class="badge">{}</span></td></tr>',
        checkbox,
        number,
        pk,
        prefix,
        pk,
        problem.title,
        program,
        labels[0],
        problem.unit.name,
        problem.aspect.name if problem.aspect_id else "—",
        _label(language, "source", problem.source),
        labels[1],
        limit,
        problem.progress_percent,
        labels[2],
        light_dot(problem),
        labels[3],
        _label(language, "state", problem.state),
    )
