"""The figures of the unit tree. orgs stands a floor below metrics, so its figures are declared
here rather than by orgs itself (the other apps declare their own, in their `metrics.py`)."""

from django.utils.translation import gettext_lazy as _

from shigan.metrics.registry import Metric, register_metric
from shigan.orgs.models import Membership

__all__ = ["MEMBERSHIPS"]

MEMBERSHIPS = register_metric(
    Metric(
        key="orgs.memberships",
        label=_("角色授权数"),
        model=Membership,
        date_field="granted_at",
        dims=("role",),
        order_by=("unit__path", "role", "pk"),
    )
)
