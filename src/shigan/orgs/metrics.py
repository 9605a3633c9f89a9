from django.utils.translation import gettext_lazy as _

from shigan.metrics.registry import Metric, register_metric
from shigan.orgs.models import Membership

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
