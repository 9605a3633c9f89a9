"""Rendering briefing templates written by the campaign office, in a closed room.

A template is a Django template compiled by an engine of its own: no loaders (no {% include %}
or {% extends %}), only the tags of `briefing_sandbox` and the default filters, no {% load %}.
Its context holds only the figures of the catalogue (as plain values) and the names of the
unit, campaign and batch and the date — no model instance, no request, no settings.
Names a template uses that the catalogue does not have are refused on save, with their line.
"""

import datetime
import re
from dataclasses import dataclass
from decimal import Decimal

from django.template import Context, Template, TemplateSyntaxError
from django.template.base import TextNode, VariableNode
from django.template.defaulttags import ForNode, WithNode
from django.template.engine import Engine
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from shigan.briefings.limits import Budget
from shigan.core.formatting import amount_exact, amount_text, count_exact, count_text
from shigan.dashboards.figures import CATALOGUE, Figure
from shigan.initiatives.measures import quantity_exact, quantity_text

__all__ = [
    "TemplateFigure",
    "TemplateProblem",
    "GLOBAL_NAMES",
    "FIGURE_ATTRIBUTES",
    "compile_template",
    "check_template",
    "render_template",
    "figure_context",
    "sample_context",
    "date_text",
]


class SandboxEngine(Engine):
    default_builtins = []  # not even Django's default tags: only those listed below


ENGINE = SandboxEngine(
    dirs=[],
    app_dirs=False,
    debug=True,  # syntax errors carry their line
    loaders=[("django.template.loaders.locmem.Loader", {})],
    libraries={},
    builtins=[
        "shigan.briefings.templatetags.briefing_sandbox",
        "shigan.briefings.templatetags.briefing_filters",  # Django's, metered
    ],
    autoescape=False,  # briefing text is plain text; the HTML export escapes it
)

GLOBAL_NAMES = {
    "unit": gettext_lazy("单位名称"),
    "campaign": gettext_lazy("主题教育名称"),
    "batch": gettext_lazy("批次名称（第一批……）"),
    "as_of": gettext_lazy("截至日期（2023年6月7日）"),
}
FIGURE_ATTRIBUTES = ("text", "value", "exact", "label", "noun", "total", "complete")


@dataclass(frozen=True)
class TemplateFigure:
    """A figure as a template sees it: plain values only. Rendered alone it is its text."""

    text: str
    value: int | Decimal
    exact: str
    label: str
    noun: str
    total: int | None
    complete: bool

    def __str__(self) -> str:
        return self.text


@dataclass(frozen=True)
class TemplateProblem:
    line: int | None
    message: str

    def __str__(self) -> str:
        if self.line:
            return _("第 %(line)d 行：%(message)s") % {"line": self.line, "message": self.message}
        return self.message


def date_text(day: datetime.date | None) -> str:
    return f"{day.year}年{day.month}月{day.day}日" if day else ""


def _template_figure(entry, value, total) -> TemplateFigure:
    if entry.measure:  # a physical quantity (531千瓦): the catalogue's own wording
        text = quantity_text(value, entry.measure)
        exact = quantity_exact(value, entry.measure)
    else:
        text = amount_text(value) if entry.amount else count_text(value)
        exact = amount_exact(value) if entry.amount else count_exact(value)
    return TemplateFigure(
        text=text,
        value=value,
        exact=exact,
        label=str(entry.label),
        noun=str(entry.noun),
        total=total,
        complete=total is not None and total > 0 and value == total,
    )


def figure_context(
    figures: dict[str, Figure], *, unit: str, campaign: str, batch: str, as_of
) -> dict:
    context: dict[str, object] = {
        key: _template_figure(f.entry, f.value, f.total) for key, f in figures.items()
    }
    context.update(unit=unit, campaign=campaign, batch=batch, as_of=date_text(as_of))
    return context


def sample_context() -> dict:
    """Every name a template may use, with sample values: to try a template on save."""
    context: dict[str, object] = {}
    for key, entry in CATALOGUE.items():
        value = Decimal("123456789.00") if entry.amount else 1234
        if entry.measure:
            value = Decimal("1234.5")
        total = 1234 if key == "reading_class_coverage" else None
        context[key] = _template_figure(entry, value, total)
    context.update(unit="某单位", campaign="某主题教育", batch="第一批", as_of="2023年6月7日")
    return context


def _line(error: Exception) -> int | None:
    debug = getattr(error, "template_debug", None)
    return debug.get("line") if debug else None


def _message(error: Exception) -> str:
    """Django's (English) syntax errors in the author's words."""
    text = str(error)
    found = re.search(r"Invalid block tag on line \d+: '([^']+)', expected ([^.]+)", text)
    if found:
        expected = "”或“".join(re.findall(r"'([^']+)'", found.group(2)))
        return _("此处应为“%(expected)s”，而不是“%(tag)s”。") % {
            "expected": expected,
            "tag": found.group(1),
        }
    for pattern, message in (
        (r"Invalid block tag on line \d+: '([^']+)'", _("不允许使用或无法识别的标签“%s”。")),
        (r"Unclosed tag on line \d+: '([^']+)'", _("标签“%s”没有结束。")),
        (r"Invalid filter: '([^']+)'", _("无法识别的过滤器“%s”。")),
        (r"may not begin with underscores: '([^']+)'", _("名称不能以下划线开头：“%s”。")),
    ):
        found = re.search(pattern, text)
        if found:
            return message % found.group(1)
    return _("模板语法错误：%(error)s") % {"error": text}


def compile_template(text: str) -> Template:
    """Compile the template, or raise TemplateSyntaxError with `template_debug` (its line)."""
    return Template(text, engine=ENGINE)


def _bound_names(template: Template) -> set[str]:
    """Names the template itself binds ({% for x in … %}, {% with x=… %})."""
    names = {"forloop"}
    # get_nodes_by_type gives the type asked for; the stubs say Node (isinstance narrows).
    for node in template.nodelist.get_nodes_by_type(ForNode):
        if isinstance(node, ForNode):
            names.update(node.loopvars)
    for node in template.nodelist.get_nodes_by_type(WithNode):
        if isinstance(node, WithNode):
            names.update(node.extra_context)
    return names


def _unknown_names(template: Template) -> list[TemplateProblem]:
    allowed = set(CATALOGUE) | set(GLOBAL_NAMES) | _bound_names(template)
    problems = []
    for node in template.nodelist.get_nodes_by_type(VariableNode):
        if not isinstance(node, VariableNode):  # it is; the stubs say Node
            continue
        var = node.filter_expression.var
        lookups = getattr(var, "lookups", None)
        if not lookups:
            continue  # a literal
        token = getattr(node, "token", None)
        line = token.lineno if token else None
        name = lookups[0]
        if name not in allowed:
            message = _("没有名为“%(name)s”的指标。") % {"name": name}
            problems.append(TemplateProblem(line, message))
        elif name in CATALOGUE and len(lookups) > 1 and lookups[1] not in FIGURE_ATTRIBUTES:
            message = _("指标“%(name)s”没有“%(attr)s”这一项。") % {"name": name, "attr": lookups[1]}
            problems.append(TemplateProblem(line, message))
    return problems


def check_template(text: str) -> list[TemplateProblem]:
    """What is wrong with a template (empty when it compiles, uses only known names and
    renders with sample figures)."""
    try:
        template = compile_template(text)
    except TemplateSyntaxError as error:
        return [TemplateProblem(_line(error), _message(error))]
    problems = _unknown_names(template)
    if problems:
        return problems
    try:
        render_template(text, sample_context())
    except Exception as error:  # noqa: BLE001  (any failure of a user's template is reported)
        return [TemplateProblem(_line(error), _("模板无法生成：%(error)s") % {"error": error})]
    return []


class BudgetContext(Context):
    """A render's context that counts loop steps against its Budget: {% for %} sets its loop
    variable once per step (an unpacking loop updates the context instead)."""

    def __init__(self, values: dict):
        super().__init__(values, autoescape=False)
        self.budget = Budget()

    def __setitem__(self, key, value):
        self.budget.step()
        super().__setitem__(key, value)

    def update(self, other_dict):
        self.budget.step()
        return super().update(other_dict)


def _metered(template: Template) -> Template:
    """Count every piece of text the template outputs (its own text and its variables, also
    inside loops) against the render's Budget, before a loop joins them up."""
    for kind in (TextNode, VariableNode):
        for node in template.nodelist.get_nodes_by_type(kind):
            # This template's own nodes, wrapped one by one on purpose.
            node.render = _counting(node.render)  # type: ignore[method-assign]
    return template


def _counting(render):
    def counted(context):
        output = render(context)
        context.budget.emit(len(output))
        return output

    return counted


PARAGRAPH = "\u2029"  # stands for a blank line of the template while it renders


def render_template(text: str, context: dict) -> str:
    """The text a template says: paragraphs separated by one blank line.

    A blank line in the template starts a paragraph; the lines of one paragraph are joined
    (Chinese needs no space between them). A line holding only a tag adds nothing, so a
    template may put {% if %} … {% endif %} on lines of their own. The marker keeps every
    newline, so the line numbers of errors stay those the author sees."""
    marked = re.sub(r"\n[ \t]*(?=\n)", "\n" + PARAGRAPH, text)
    rendered = _metered(compile_template(marked)).render(BudgetContext(context))
    blocks = rendered.split(PARAGRAPH)
    joined = ("".join(line.strip() for line in block.splitlines()) for block in blocks)
    return "\n\n".join(p for p in joined if p)


__all__ += ["ENGINE", "PARAGRAPH"]
