"""What the problems API views share: a service call whose refusal about the caller is a
403, the campaign, people and problems named by id in a request, the scoped read mixin."""

from typing import TYPE_CHECKING

from django.utils import timezone
from django.utils.translation import gettext as _
from rest_framework import exceptions
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser

from shigan.core.errors import DomainError
from shigan.core.pagination import RecordListMixin
from shigan.orgs.selectors import person_choices
from shigan.problems import selectors
from shigan.problems.errors import ErrorCode
from shigan.problems.models import Problem
from shigan.problems.permissions import can_record, can_review

if TYPE_CHECKING:  # a stub-only protocol (DjangoFilterBackend does not subclass BaseFilterBackend)
    pass

# Refusals that are about who asks, not about what is asked: 403.
FORBIDDEN_CODES = {"forbidden", "not_reviewer", "own_closeout", "own_extension"}
UPLOAD_PARSERS = [MultiPartParser, FormParser, JSONParser]
MAX_ID = 2**63 - 1  # a record id; larger numbers are refused as input, not by the database


def call_service(fn, **kwargs):
    """Run a service; a refusal about the caller's rights is a 403, any other a 400."""
    try:
        return fn(**kwargs)
    except DomainError as error:
        if error.code in FORBIDDEN_CODES:
            raise exceptions.PermissionDenied(error.message) from error
        raise


def require_record(user, problem) -> None:
    if not can_record(user, problem):
        raise exceptions.PermissionDenied(_("您没有在该单位登记问题的权限。"))


def require_review(user, problem) -> None:
    """Refuse a reviewer who is not above the unit before reading the body (the service checks
    again): an empty or wrong body must not answer 400 to someone who may not decide."""
    if not can_review(user, problem):
        raise exceptions.PermissionDenied(
            _("只有上级单位或联系该单位的巡回指导组可以审核，本单位不能审核自己的问题。")
        )


def today():
    return timezone.localdate()


def campaign_covering(unit, pk, message: str | None = None):
    """The campaign `pk` if it covers `unit` (None when none is named); one that does not
    cover it is refused on the `campaign` field with `message`."""
    if not pk:
        return None
    campaign = selectors.default_campaign(unit=unit, pk=pk)
    if campaign is None:
        raise exceptions.ValidationError(
            {"campaign": [message or _("该单位不在这次主题教育的范围内。")]},
            code=ErrorCode.UNIT_OUTSIDE_CAMPAIGN,
        )
    return campaign


def people_named(user, unit, ids: list[int], field: str):
    people = {p.pk: p for p in person_choices(user=user, unit=unit).filter(pk__in=ids)}
    missing = [i for i in ids if i not in people]
    if missing:
        raise exceptions.ValidationError(
            {field: [_("找不到人员：%(ids)s。") % {"ids": ", ".join(map(str, missing))}]},
            code=ErrorCode.UNKNOWN_PERSON,
        )
    return [people[i] for i in ids]


def person_named(user, unit, pk, field):
    return people_named(user, unit, [pk], field)[0] if pk else None


def visible_problems(user, ids: list[int], field: str = "problems") -> list[Problem]:
    found = {p.pk: p for p in Problem.objects.restrict(user, "view").filter(pk__in=ids)}
    missing = [i for i in ids if i not in found]
    if missing:
        raise exceptions.ValidationError(
            {field: [_("找不到问题：%(ids)s。") % {"ids": ", ".join(map(str, missing))}]},
            code=ErrorCode.UNKNOWN_PROBLEM,
        )
    return [found[i] for i in ids]


ScopedReadMixin = RecordListMixin
