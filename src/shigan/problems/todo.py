"""The problem ledger's 待办: close-outs and extensions to decide (the inbox's selectors), and
the red and yellow problems of the units the user records for (the ledger's own filter)."""

from django.http import QueryDict
from django.urls import reverse
from django.utils.translation import gettext as _

from shigan.core.todo import TodoItem
from shigan.orgs.choices import ROLE_ACTIONS
from shigan.orgs.models import Membership
from shigan.problems import forms, selectors
from shigan.problems.choices import Light

__all__ = ["problems_todo", "ledger_light_url", "ledger_light_count"]

RECORD_ROLES = tuple(role for role, actions in ROLE_ACTIONS.items() if "record" in actions)
LIGHTS = ((Light.RED, 20), (Light.YELLOW, 21))


def _record_units(user, limit=3):
    memberships = Membership.objects.filter(user=user, role__in=RECORD_ROLES, unit__active=True)
    return [m.unit for m in memberships.select_related("unit").order_by("unit__path")[:limit]]


def ledger_light_url(unit, light: str) -> str:
    return (
        reverse("problems:ledger", args=[unit.pk]) + "?" + QueryDict(f"light={light}").urlencode()
    )


def ledger_light_count(user, unit, light: str) -> int:
    """Rows of the ledger page `ledger_light_url` opens: the same filter form, the same
    selector."""
    filters = forms.ledger_filters(user=user, unit=unit, data=QueryDict(f"light={light}"))
    return selectors.problem_list(user=user, unit=unit, **filters.criteria()).count()


def problems_todo(user):
    inbox = reverse("problems:inbox")
    yield TodoItem(
        _("待审核的销号申请"),
        selectors.closeout_inbox(user=user).count(),
        inbox + "#closeouts",
        10,
    )
    yield TodoItem(
        _("待审批的延期申请"),
        selectors.extension_inbox(user=user).count(),
        inbox + "#extensions",
        11,
    )
    units = _record_units(user)
    for unit in units:
        for light, order in LIGHTS:
            label = _("红灯问题（逾期或即将逾期）") if light == Light.RED else _("黄灯问题")
            if len(units) > 1:
                label = f"{unit.name}：{label}"
            count = ledger_light_count(user, unit, light)
            yield TodoItem(label, count, ledger_light_url(unit, light), order)
