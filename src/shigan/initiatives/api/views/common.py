"""What the delivery API's views share: the scoped viewset base, the campaign a unit's record
falls in, and the rights checks (403 once the record itself is in view)."""

from django.utils.translation import gettext as _
from rest_framework import exceptions, viewsets

from shigan.campaigns.models import Campaign
from shigan.core.pagination import RecordListMixin
from shigan.initiatives import selectors
from shigan.initiatives.services.common import can_run_key_task
from shigan.orgs.permissions import user_can


class ScopedViewSet(RecordListMixin, viewsets.GenericViewSet):
    pass


def campaign_for(user, unit, pk) -> Campaign:
    campaign = selectors.campaign_for_unit(user=user, unit=unit, pk=pk)
    if campaign is None:
        raise exceptions.ValidationError({"campaign": [_("该主题教育不覆盖这个单位。")]})
    return campaign


def require_record(user, unit) -> None:
    if not user_can(user, "record", unit):
        raise exceptions.PermissionDenied(_("您没有在该单位登记的权限。"))


def require_run(user, task) -> None:
    if not can_run_key_task(user, task):
        raise exceptions.PermissionDenied(_("您不是该重点任务所属单位或牵头单位的填报人员。"))


def query_int(text, field) -> int:
    try:
        return int(text)
    except ValueError:
        raise exceptions.ValidationError({field: [_("请填写编号。")]}) from None
