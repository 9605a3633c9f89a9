"""Writes on briefings: save a template (validated), generate a draft, issue (freeze) it."""

import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from shigan.accounts.system import system_actor
from shigan.audit.services import audit_record
from shigan.briefings import sandbox
from shigan.briefings.choices import BriefingState
from shigan.briefings.defaults import DEFAULT_TEXT, DEFAULT_TITLE
from shigan.briefings.errors import BriefingError, ErrorCode
from shigan.briefings.models import (
    Briefing,
    BriefingFigure,
    BriefingTemplate,
    BriefingTransition,
)
from shigan.campaigns.models import Batch, Campaign
from shigan.core.edits import refuse_edited_elsewhere
from shigan.dashboards.figures import default_batch, figures_all
from shigan.orgs.models import Unit
from shigan.orgs.permissions import user_can

__all__ = [
    "BriefingError",
    "briefing_template_save",
    "briefing_template_update",
    "briefing_generate",
    "briefing_issue",
    "briefing_compose",
]


def _require(actor, action: str, unit: Unit, message: str) -> None:
    if not user_can(actor, action, unit):
        raise BriefingError(message, code=ErrorCode.FORBIDDEN)


def _check_text(text: str, field: str) -> str:
    text = (text or "").strip()
    if not text:
        raise BriefingError(_("模板内容不能为空。"), code=ErrorCode.TEXT_REQUIRED, field=field)
    problems = sandbox.check_template(text)
    if problems:
        raise BriefingError(
            "；".join(str(p) for p in problems), code=ErrorCode.TEMPLATE_INVALID, field=field
        )
    return text


@transaction.atomic
def briefing_template_save(
    *,
    actor,
    campaign: Campaign,
    name: str,
    text: str,
    title: str = DEFAULT_TITLE,
    is_default: bool = False,
    template: BriefingTemplate | None = None,
) -> BriefingTemplate:
    """Create (template=None) or change a briefing template; refused, naming the line, when
    it does not compile or uses a name the figure catalogue does not have."""
    _require(actor, "change", campaign.root_unit, _("只有活动办可以修改简报模板。"))
    if template is not None and template.campaign_id != campaign.pk:
        raise BriefingError(_("模板不属于该主题教育。"), code=ErrorCode.CAMPAIGN_MISMATCH)
    name = (name or "").strip()
    if not name:
        raise BriefingError(_("模板名称不能为空。"), code=ErrorCode.NAME_REQUIRED, field="name")
    others = BriefingTemplate.objects.filter(campaign=campaign, name=name)
    if template is not None:
        others = others.exclude(pk=template.pk)
    if others.exists():
        raise BriefingError(_("已有同名模板。"), code=ErrorCode.NAME_TAKEN, field="name")
    title = _check_text(title, "title")
    text = _check_text(text, "text")
    before = None
    if template is None:
        template = BriefingTemplate(campaign=campaign)
    else:
        template = BriefingTemplate.objects.select_for_update().get(pk=template.pk)
        before = {"name": template.name, "title": template.title, "text": template.text}
    if is_default:
        BriefingTemplate.objects.filter(campaign=campaign, is_default=True).exclude(
            pk=template.pk
        ).update(is_default=False)
    template.name, template.title, template.text = name, title, text
    template.is_default, template.updated_by = is_default, actor
    template.save()
    audit_record(
        actor=actor,
        action="briefings.template.saved",
        target=template,
        before=before,
        after={"name": name, "title": title, "text": text, "is_default": is_default},
    )
    return template


_TEMPLATE_FIELDS = ("name", "title", "text", "is_default")


@transaction.atomic
def briefing_template_update(*, actor, template: BriefingTemplate, seen=None, **changes):
    """Change the given fields of a template; the others stay as they are now, not as a form
    read them. `seen`, what the user's form showed for the fields changed, refuses a change
    over someone else's (core.edits)."""
    unknown = set(changes) - set(_TEMPLATE_FIELDS)
    if unknown:
        raise TypeError(f"briefing_template_update: unknown fields {sorted(unknown)}")
    template = (
        BriefingTemplate.objects.select_for_update(of=("self",))
        .select_related("campaign", "campaign__root_unit")
        .get(pk=template.pk)
    )
    _require(actor, "change", template.campaign.root_unit, _("只有活动办可以修改简报模板。"))
    refuse_edited_elsewhere(template, seen)
    now = {name: getattr(template, name) for name in _TEMPLATE_FIELDS}
    return briefing_template_save(
        actor=actor, campaign=template.campaign, template=template, **{**now, **changes}
    )


def _template_for(campaign: Campaign, template: BriefingTemplate | None):
    if template is not None:
        if template.campaign_id != campaign.pk:
            raise BriefingError(
                _("模板不属于该主题教育。"), code=ErrorCode.CAMPAIGN_MISMATCH, field="template"
            )
        return template
    return BriefingTemplate.objects.filter(campaign=campaign, is_default=True).first()


def briefing_compose(*, campaign, unit, as_of, batch=None, template=None) -> tuple:
    """The title, text and figures a briefing says (nothing written)."""
    batch = batch or default_batch(campaign)
    # A briefing states the figures of the unit's whole subtree (its place was checked for the
    # actor): read as the system, not in the actor's scope.
    system = system_actor("简报数字")
    figures = figures_all(campaign=campaign, unit=unit, user=system, batch=batch, as_of=as_of)
    context = sandbox.figure_context(
        figures,
        unit=unit.name,
        campaign=campaign.name,
        batch=batch.name if batch else "",
        as_of=as_of,
    )
    title_source = template.title if template else DEFAULT_TITLE
    text_source = template.text if template else DEFAULT_TEXT
    try:
        title = sandbox.render_template(title_source, context)
        text = sandbox.render_template(text_source, context)
    except Exception as error:  # noqa: BLE001  (a template saved before a catalogue change)
        raise BriefingError(
            _("简报模板无法生成：%(error)s") % {"error": error}, code=ErrorCode.TEMPLATE_FAILED
        ) from error
    return title.replace("\n\n", ""), text, figures


def _store_figures(briefing: Briefing, figures: dict) -> None:
    briefing.figures.all().delete()
    BriefingFigure.objects.bulk_create(
        BriefingFigure(
            briefing=briefing,
            key=key,
            row=f.entry.row,
            label=str(f.entry.label),
            value=f.value,
            amount=f.entry.amount,
            total=f.total,
            text=f.text,
            record_model=f.records.model._meta.label_lower,
            record_ids=f.record_ids(),
        )
        for key, f in figures.items()
    )


def _check_place(actor, campaign: Campaign, unit: Unit, batch: Batch | None) -> None:
    _require(actor, "record", unit, _("您没有为该单位生成简报的权限。"))
    if not unit.path.startswith(campaign.root_unit.path):
        raise BriefingError(
            _("该单位不在这次主题教育的范围内。"),
            code=ErrorCode.UNIT_OUTSIDE_CAMPAIGN,
            field="unit",
        )
    if batch is not None and batch.campaign_id != campaign.pk:
        raise BriefingError(
            _("批次不属于该主题教育。"), code=ErrorCode.BATCH_MISMATCH, field="batch"
        )


@transaction.atomic
def briefing_generate(
    *,
    actor,
    campaign: Campaign,
    unit: Unit,
    as_of: datetime.date,
    template: BriefingTemplate | None = None,
    batch: Batch | None = None,
) -> Briefing:
    """A draft briefing of `unit` as of `as_of`: the template (default: the campaign's default
    template, else the built-in one) rendered with the catalogue's figures."""
    if as_of is None:
        raise BriefingError(_("请指定截至日期。"), code=ErrorCode.AS_OF_REQUIRED, field="as_of")
    _check_place(actor, campaign, unit, batch)
    template = _template_for(campaign, template)
    batch = batch or default_batch(campaign)
    title, text, figures = briefing_compose(
        campaign=campaign, unit=unit, as_of=as_of, batch=batch, template=template
    )
    briefing = Briefing.objects.create(
        campaign=campaign,
        unit=unit,
        batch=batch,
        template=template,
        as_of=as_of,
        title=title,
        text=text,
        created_by=actor,
    )
    _store_figures(briefing, figures)
    BriefingTransition.objects.create(
        briefing=briefing, from_state="", to_state=BriefingState.DRAFT, actor=actor
    )
    audit_record(
        actor=actor,
        action="briefings.briefing.generated",
        target=briefing,
        after={"unit": unit.pk, "campaign": campaign.pk, "as_of": as_of, "title": title},
    )
    return briefing


@transaction.atomic
def briefing_issue(*, actor, briefing: Briefing) -> Briefing:
    """Issue a draft: its figures are computed once more from the records as of its date, and
    the text, the values and the ids of the records behind each figure are frozen."""
    briefing = (
        Briefing.objects.select_for_update().select_related("campaign", "unit").get(pk=briefing.pk)
    )
    _require(actor, "change", briefing.unit, _("只有本单位管理员可以印发简报。"))
    if briefing.state == BriefingState.ISSUED:
        raise BriefingError(_("简报已印发，不能再次印发。"), code=ErrorCode.ALREADY_ISSUED)
    title, text, figures = briefing_compose(
        campaign=briefing.campaign,
        unit=briefing.unit,
        as_of=briefing.as_of,
        batch=briefing.batch,
        template=briefing.template,
    )
    _store_figures(briefing, figures)
    briefing.title, briefing.text = title, text
    briefing.state = BriefingState.ISSUED
    briefing.issued_at, briefing.issued_by = timezone.now(), actor
    briefing.save()
    BriefingTransition.objects.create(
        briefing=briefing,
        from_state=BriefingState.DRAFT,
        to_state=BriefingState.ISSUED,
        actor=actor,
    )
    audit_record(
        actor=actor,
        action="briefings.briefing.issued",
        target=briefing,
        before={"state": BriefingState.DRAFT},
        after={
            "state": BriefingState.ISSUED,
            "figures": {key: str(f.value) for key, f in figures.items()},
        },
    )
    return briefing
