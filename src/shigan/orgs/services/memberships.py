"""Roles granted on units: one by one, in bulk (importers), and those an external login's group
mapping gives."""

import logging
from collections.abc import Sequence
from dataclasses import dataclass

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from shigan.accounts.external.mapping import Grant
from shigan.accounts.models import User
from shigan.accounts.services import user_tokens_revoke
from shigan.accounts.system import system_actor
from shigan.audit.services import AuditItem, audit_record, audit_record_many
from shigan.core.bulk import bulk_insert, reserve_ids
from shigan.core.changes import create_tracked, record_changes
from shigan.core.versions import versions_touch
from shigan.orgs.choices import Role
from shigan.orgs.errors import ErrorCode
from shigan.orgs.models import Membership, Unit
from shigan.orgs.permissions import user_can
from shigan.orgs.services.common import (
    BulkOutcome,
    BulkRejected,
    OrgError,
    _require,
    _unit_forbidden,
)

logger = logging.getLogger(__name__)

__all__ = [
    "membership_grant",
    "membership_revoke",
    "MembershipDraft",
    "membership_bulk_grant",
    "membership_sync_mapped",
]


def _check_grantee(user: User) -> None:
    """三员分立: the audit administrator reads the audit trail and holds no unit role."""
    if getattr(user, "is_auditor", False):
        raise OrgError(
            _("三员分立：审计管理员只能查看审计记录，不能在单位担任角色。"),
            code=ErrorCode.SEPARATION,
            field="user",
        )
    if getattr(user, "is_system", False):  # allowed everywhere already, and no person
        raise OrgError(
            _("系统账号不能在单位担任角色。"), code=ErrorCode.SYSTEM_ACCOUNT, field="user"
        )


@transaction.atomic
def membership_grant(*, actor: User, user: User, unit: Unit, role: str) -> Membership:
    if role not in Role.values:
        raise OrgError(_("角色无效。"), code=ErrorCode.INVALID_ROLE, field="role")
    _require(actor, "manage", unit)
    _check_grantee(user)
    if Membership.objects.filter(user=user, unit=unit, role=role).exists():
        raise OrgError(
            _("%(user)s 在“%(unit)s”已有“%(role)s”角色。")
            % {"user": user, "unit": unit, "role": Role(role).label},
            code=ErrorCode.DUPLICATE_MEMBERSHIP,
        )
    membership = create_tracked(Membership, user=user, unit=unit, role=role)
    audit_record(
        actor=actor,
        action="orgs.membership.granted",
        target=membership,
        after={"user": user.username, "unit": unit.pk, "role": role},
    )
    user.__dict__.pop("_shigan_scope", None)
    return membership


@transaction.atomic
def membership_revoke(*, actor: User, membership: Membership) -> None:
    _require(actor, "manage", membership.unit)
    if not actor.is_superuser and membership.user_id == actor.pk and membership.role == Role.ADMIN:
        raise OrgError(
            _("不能撤销自己的管理员角色，请由上级管理员操作。"), code=ErrorCode.SELF_REVOKE
        )
    before = {"user": membership.user.username, "unit": membership.unit_id, "role": membership.role}
    audit_record(actor=actor, action="orgs.membership.revoked", target=membership, before=before)
    with record_changes(Membership, [membership.pk]):
        membership.delete()
    membership.user.__dict__.pop("_shigan_scope", None)
    # A role taken away takes the account's API tokens with it (a new one is made by hand).
    user_tokens_revoke(actor=actor, user=membership.user, reason="role_revoked")


@dataclass
class MembershipDraft:
    user: User
    unit: Unit
    role: str


MembershipKey = tuple[int, int, str]  # (user id, unit id, role)


def _check_membership(
    actor: User,
    draft: MembershipDraft,
    allowed: dict[int, bool],
    existing: set[MembershipKey],
) -> MembershipKey:
    """`membership_grant`'s checks of one draft (OrgError); returns its (user, unit, role).
    `allowed` caches, per unit, whether the actor may manage there."""
    if draft.role not in Role.values:
        raise OrgError(_("角色无效。"), code=ErrorCode.INVALID_ROLE, field="role")
    if draft.unit.pk not in allowed:
        allowed[draft.unit.pk] = user_can(actor, "manage", draft.unit)
    if not allowed[draft.unit.pk]:
        raise _unit_forbidden(draft.unit)
    _check_grantee(draft.user)
    key = (draft.user.pk, draft.unit.pk, draft.role)
    if key in existing:
        raise OrgError(
            _("%(user)s 在“%(unit)s”已有“%(role)s”角色。")
            % {"user": draft.user, "unit": draft.unit, "role": Role(draft.role).label},
            code=ErrorCode.DUPLICATE_MEMBERSHIP,
        )
    return key


def _membership_audit_item(pk: int, draft: MembershipDraft) -> AuditItem:
    return AuditItem(
        "orgs.membership",
        str(pk),
        f"{draft.user} · {draft.unit} · {Role(draft.role).label}",
        None,
        {"user": draft.user.get_username(), "unit": draft.unit.pk, "role": draft.role},
    )


@transaction.atomic
def membership_bulk_grant(
    *, actor: User, drafts: Sequence[MembershipDraft], skip_invalid: bool = False
) -> BulkOutcome:
    """Grant many roles at once; each draft is checked as `membership_grant` would check it."""
    outcome = BulkOutcome()
    existing = set(
        Membership.objects.filter(
            user_id__in={d.user.pk for d in drafts}, unit_id__in={d.unit.pk for d in drafts}
        ).values_list("user_id", "unit_id", "role")
    )
    allowed: dict[int, bool] = {}
    order: list[int] = []
    for index, draft in enumerate(drafts):
        try:
            existing.add(_check_membership(actor, draft, allowed, existing))
        except OrgError as error:
            outcome.errors[index] = error
            continue
        order.append(index)
    if outcome.errors and not skip_invalid:
        raise BulkRejected(outcome.errors)
    now_db = connection.ops.adapt_datetimefield_value(timezone.now())
    rows, audit_items = [], []
    for pk, index in zip(reserve_ids(Membership, len(order)), order, strict=True):
        draft = drafts[index]
        rows.append((pk, draft.user.pk, draft.unit.pk, draft.role, now_db))
        audit_items.append(_membership_audit_item(pk, draft))
        outcome.created[index] = pk
        draft.user.__dict__.pop("_shigan_scope", None)
    bulk_insert(Membership, ("id", "user", "unit", "role", "granted_at"), rows)
    versions_touch(["orgs"])  # COPY sends no signal
    audit_record_many(actor=actor, action="orgs.membership.granted", items=audit_items)
    return outcome


def _mapped_unit(ref: str) -> Unit | None:
    """A unit named in the login role mapping: by division code, or by names from the top."""
    if ref.isdigit():
        found = list(Unit.objects.filter(division_code=ref.ljust(12, "0"))[:2])
        return found[0] if len(found) == 1 else None
    unit = None
    for name in [part.strip() for part in ref.split("/") if part.strip()]:
        level = Unit.objects.get_root_nodes() if unit is None else Unit.objects.get_children(unit)
        unit = level.filter(name=name).first()
        if unit is None:
            return None
    return unit


@transaction.atomic
def membership_sync_mapped(
    *, user: User, source: str, grants: list[Grant], previous: list[list[int | str]]
) -> list[list[int | str]]:
    """The roles an external login's group → role mapping gives (accounts.external): grant the
    mapped roles the user lacks, take back those the mapping gave before and no longer gives.
    Roles granted by hand are never touched. Returns the [unit id, role] pairs now mapped."""
    actor = system_actor(f"{source} role mapping")
    wanted: list[list[int | str]] = []
    for grant in grants:
        unit = _mapped_unit(grant.unit)
        if unit is None:
            logger.warning("login role mapping: no single unit %r", grant.unit)
            continue
        wanted.append([unit.pk, grant.role])
        if not Membership.objects.filter(user=user, unit=unit, role=grant.role).exists():
            membership = create_tracked(Membership, user=user, unit=unit, role=grant.role)
            audit_record(
                actor=actor,
                action="orgs.membership.granted",
                target=membership,
                after={"user": user.username, "unit": unit.pk, "role": grant.role},
            )
    stale = [pair for pair in previous if list(pair) not in wanted]
    for unit_id, role in stale:
        for membership in Membership.objects.filter(user=user, unit_id=unit_id, role=role):
            audit_record(
                actor=actor,
                action="orgs.membership.revoked",
                target=membership,
                before={"user": user.username, "unit": unit_id, "role": role},
            )
            with record_changes(Membership, [membership.pk]):
                membership.delete()
    if stale:
        user_tokens_revoke(actor=actor, user=user, reason="role_revoked")
    user.__dict__.pop("_shigan_scope", None)
    return wanted
