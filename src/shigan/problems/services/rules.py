"""Rules (建章立制): drafted, issued, and linked to the problems they fix for good."""

import datetime
from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from shigan.audit.services import audit_record
from shigan.campaigns.models import Campaign
from shigan.metrics.engine import metric_changes
from shigan.orgs.models import Unit
from shigan.orgs.permissions import user_can
from shigan.problems.choices import RuleKind, RuleState
from shigan.problems.errors import ErrorCode
from shigan.problems.models import Problem, Rule
from shigan.problems.services.base import ProblemError, required_text


def _check_rule_problems(rule_unit: Unit, problems: Iterable[Problem]) -> list[Problem]:
    problems = list(problems)
    for problem in problems:
        if not problem.unit.path.startswith(rule_unit.path):
            raise ProblemError(
                _("问题“%(title)s”不属于该单位及其下级单位。") % {"title": problem.title},
                code=ErrorCode.PROBLEM_OUTSIDE_UNIT,
                field="problems",
            )
    return problems


@transaction.atomic
def rule_create(
    *,
    actor,
    unit: Unit,
    title: str,
    kind: str,
    campaign: Campaign | None = None,
    problems: Iterable[Problem] = (),
    created_on: datetime.date | None = None,
) -> Rule:
    """Record a rule being drafted (建章立制), linked to the problems it fixes for good."""
    title = required_text(title, field="title", message=_lazy("制度名称不能为空。"), max_length=300)
    if kind not in RuleKind.values:
        raise ProblemError(_("制度类别无效。"), code=ErrorCode.INVALID_KIND, field="kind")
    if not user_can(actor, "record", unit):
        raise ProblemError(_("您没有在该单位登记制度机制的权限。"), code=ErrorCode.FORBIDDEN)
    if campaign is not None and not unit.path.startswith(campaign.root_unit.path):
        raise ProblemError(
            _("该单位不在这次主题教育的范围内。"), code=ErrorCode.UNIT_OUTSIDE_CAMPAIGN
        )
    problems = _check_rule_problems(unit, problems)
    created_on = created_on or timezone.localdate()
    with metric_changes(Rule) as changes:
        rule = Rule.objects.create(
            campaign=campaign,
            unit=unit,
            title=title,
            kind=kind,
            created_on=created_on,
            created_by=actor,
        )
        rule.problems.set(problems)
        changes.created([rule.pk])
    audit_record(
        actor=actor,
        action="problems.rule.created",
        target=rule,
        after={
            "unit": unit.pk,
            "campaign": getattr(campaign, "pk", None),
            "title": title,
            "kind": kind,
            "problems": sorted(p.pk for p in problems),
            "created_on": created_on,
        },
    )
    return rule


@transaction.atomic
def rule_issue(*, actor, rule: Rule, issued_on: datetime.date) -> Rule:
    rule = Rule.objects.select_for_update().select_related("unit").get(pk=rule.pk)
    if not user_can(actor, "record", rule.unit):
        raise ProblemError(_("您没有修改该制度机制的权限。"), code=ErrorCode.FORBIDDEN)
    if rule.state == RuleState.ISSUED:
        raise ProblemError(_("该制度已印发。"), code=ErrorCode.ALREADY_ISSUED)
    if issued_on is None:
        raise ProblemError(
            _("请填写印发日期。"), code=ErrorCode.ISSUED_ON_REQUIRED, field="issued_on"
        )
    with metric_changes(Rule, [rule.pk]):
        rule.state, rule.issued_on = RuleState.ISSUED, issued_on
        rule.save(update_fields=["state", "issued_on"])
    audit_record(
        actor=actor,
        action="problems.rule.issued",
        target=rule,
        before={"state": RuleState.DRAFTING},
        after={"state": RuleState.ISSUED, "issued_on": issued_on},
    )
    return rule


@transaction.atomic
def rule_link_problems(*, actor, rule: Rule, problems: Iterable[Problem]) -> Rule:
    """Set the problems a rule addresses (replacing the previous set)."""
    rule = Rule.objects.select_for_update().select_related("unit").get(pk=rule.pk)
    if not user_can(actor, "record", rule.unit):
        raise ProblemError(_("您没有修改该制度机制的权限。"), code=ErrorCode.FORBIDDEN)
    problems = _check_rule_problems(rule.unit, problems)
    before = sorted(rule.problems.values_list("pk", flat=True))
    rule.problems.set(problems)
    audit_record(
        actor=actor,
        action="problems.rule.linked",
        target=rule,
        before={"problems": before},
        after={"problems": sorted(p.pk for p in problems)},
    )
    return rule
