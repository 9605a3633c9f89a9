"""Special programs (专项整治): created under a campaign; problems put under them."""

import datetime
from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from shigan.audit.services import AuditItem, audit_record, audit_record_many
from shigan.audit.snapshots import snapshot
from shigan.campaigns.models import Campaign
from shigan.core.changes import create_tracked
from shigan.metrics.engine import metric_changes
from shigan.orgs.models import Unit
from shigan.orgs.permissions import user_can
from shigan.problems.errors import ErrorCode
from shigan.problems.models import Problem, SpecialProgram
from shigan.problems.services.base import ProblemError, require_record, required_text


@transaction.atomic
def special_program_create(
    *,
    actor,
    campaign: Campaign,
    name: str,
    lead_unit: Unit,
    plan: str = "",
    created_on: datetime.date | None = None,
) -> SpecialProgram:
    name = required_text(
        name, field="name", message=_lazy("专项整治名称不能为空。"), max_length=200
    )
    if not user_can(actor, "record", lead_unit):
        raise ProblemError(_("您没有在该单位登记专项整治的权限。"), code=ErrorCode.FORBIDDEN)
    if not lead_unit.path.startswith(campaign.root_unit.path):
        raise ProblemError(
            _("牵头单位不在这次主题教育的范围内。"),
            code=ErrorCode.UNIT_OUTSIDE_CAMPAIGN,
            field="lead_unit",
        )
    if SpecialProgram.objects.filter(campaign=campaign, name=name).exists():
        raise ProblemError(
            _("这次主题教育已有名为“%(name)s”的专项整治。") % {"name": name},
            code=ErrorCode.DUPLICATE_NAME,
            field="name",
        )
    created_on = created_on or timezone.localdate()
    program = create_tracked(
        SpecialProgram,
        campaign=campaign,
        name=name,
        lead_unit=lead_unit,
        plan=(plan or "").strip(),
        created_on=created_on,
    )
    audit_record(
        actor=actor,
        action="problems.program.created",
        target=program,
        after=snapshot(program, ("campaign", "name", "lead_unit", "created_on")),
    )
    return program


@transaction.atomic
def special_program_assign(*, actor, program: SpecialProgram, problems: Iterable[Problem]) -> int:
    """Put problems under a special program (the ledger's bulk action): all or none. Returns
    how many changed (those already under it are left as they are)."""
    ids = sorted({p.pk for p in problems})
    locked = list(
        Problem.objects.select_for_update(of=("self",))
        .select_related("unit")
        .filter(pk__in=ids)
        .order_by("pk")
    )
    for problem in locked:
        require_record(
            actor,
            problem,
            _("您没有修改问题“%(title)s”的权限。") % {"title": problem.title},
        )
        if problem.campaign_id != program.campaign_id:
            raise ProblemError(
                _("问题“%(title)s”与专项整治不属于同一次主题教育。") % {"title": problem.title},
                code=ErrorCode.PROGRAM_MISMATCH,
                field="special_program",
            )
    changed = [p for p in locked if p.special_program_id != program.pk]
    if not changed:
        return 0
    items = [
        AuditItem(
            "problems.problem",
            str(p.pk),
            p.title,
            before={"special_program": p.special_program_id},
            after={"special_program": program.pk},
        )
        for p in changed
    ]
    changed_ids = [p.pk for p in changed]
    with metric_changes(Problem, changed_ids):
        Problem.objects.filter(pk__in=changed_ids).update(special_program=program)
    audit_record_many(actor=actor, action="problems.problem.updated", items=items)
    return len(changed)
