"""What the orgs services share: their error, the outcome of a bulk write, the refusals."""

from dataclasses import dataclass, field
from functools import lru_cache

from django.utils.translation import gettext as _

from shigan.accounts.models import User
from shigan.core.errors import RowsRejected
from shigan.orgs.errors import ErrorCode, OrgError
from shigan.orgs.models import Unit
from shigan.orgs.permissions import user_can
from shigan.orgs.pinyin import name_initials

__all__ = ["OrgError", "BulkOutcome", "BulkRejected"]


@dataclass
class BulkOutcome:
    created: dict[int, int] = field(default_factory=dict)  # draft index → new pk
    errors: dict[int, OrgError] = field(default_factory=dict)  # draft index → why refused


class BulkRejected(RowsRejected):
    """Some drafts break a rule and the caller asked for all or nothing: nothing was written."""

    def __init__(self, errors: dict[int, OrgError]):
        super().__init__(
            _("有 %(n)d 条记录不符合要求，全部未保存。") % {"n": len(errors)}, errors=errors
        )


def _require(user: User | None, action: str, unit: Unit) -> None:
    if not user_can(user, action, unit):
        raise OrgError(
            _("您没有在“%(unit)s”进行此操作的权限。") % {"unit": unit}, code=ErrorCode.FORBIDDEN
        )


def _unit_forbidden(unit: Unit) -> OrgError:
    return OrgError(
        _("您没有在“%(unit)s”进行此操作的权限。") % {"unit": unit},
        code=ErrorCode.FORBIDDEN,
        field="unit",
    )


def _parent_forbidden(parent: object) -> OrgError:
    return OrgError(
        _("您没有在“%(unit)s”进行此操作的权限。") % {"unit": parent},
        code=ErrorCode.FORBIDDEN,
        field="parent",
    )


def _duplicate_name(parent_label: object, name: str) -> OrgError:
    return OrgError(
        _("“%(parent)s”下已有名为“%(name)s”的单位。") % {"parent": parent_label, "name": name},
        code=ErrorCode.DUPLICATE_NAME,
        field="name",
    )


# Names' initials, for search; a bulk import meets the same names again and again.
_initials = lru_cache(maxsize=65536)(name_initials)
