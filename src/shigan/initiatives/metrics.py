"""The delivery figures of the article (FIGURES rows 21–27), declared once.

Row 21 (projects under the ecology task) is `initiatives.projects` with area "ecology"; rows 22,
23 and 24 are `initiatives.project_funds` with area border_security / agriculture / opening_up,
row 24's two sums told apart by kind (pilot_zone: the 满洲里 and 二连浩特 pilot zones;
port_economy: the port-economy special fund); row 27 is `initiatives.project_funds` of the
ethnic-affairs commission's unit (自治区民委). Row 25 is `initiatives.livelihood_items` at the
campaign's root; row 26 (livelihood areas of the campaign) is not a count of records under a
unit: it is the selector `livelihood_areas`.

Row 28 (新增新能源并网装机531千瓦) is `initiatives.indicator_values` of one indicator (the dim
"indicator" is its id): the sum of the values its projects reported, in the indicator's unit,
counted from each report's day.

Funds count from a project's approval day (立项日期); a later change of its amount corrects the
sums from that day on, it is not a new allocation.
"""

from django.utils.translation import gettext_lazy as _

from shigan.initiatives.measures import PLACES
from shigan.initiatives.models import (
    IndicatorReport,
    KeyTask,
    LivelihoodItem,
    Project,
    ServicePoint,
)
from shigan.metrics.registry import campaign_metric, register_variant

KEY_TASKS = campaign_metric(
    "initiatives.key_tasks",
    _("重点任务数"),
    KeyTask,
    date_field="created_on",
    dims=("area",),
    order_by=("area", "pk"),
)
PROJECTS = campaign_metric(
    "initiatives.projects",
    _("项目数"),
    Project,
    date_field="approved_on",
    dims=("area", "kind"),
)
PROJECT_FUNDS = register_variant(
    PROJECTS,
    key="initiatives.project_funds",
    label=_("项目安排资金"),
    order_by=("-funds_allocated", "-pk"),
    amount_field="funds_allocated",
    amount_scale=100,  # kept in fen
)
PROJECT_FUNDS_DISBURSED = register_variant(
    PROJECT_FUNDS,
    key="initiatives.project_funds_disbursed",
    label=_("项目已拨付资金"),
    order_by=("-funds_disbursed", "-pk"),
    amount_field="funds_disbursed",
)
LIVELIHOOD_ITEMS = campaign_metric(
    "initiatives.livelihood_items",
    _("民生项目数"),
    LivelihoodItem,
    date_field="listed_on",
    dims=("area",),
    order_by=("number",),
)
INDICATOR_VALUES = campaign_metric(
    "initiatives.indicator_values",
    _("指标数值"),
    IndicatorReport,
    unit_field="project__unit",
    date_field="reported_on",
    campaign_field="project__campaign",
    dims=("indicator",),
    amount_field="value",
    amount_scale=10**PLACES,  # kept in ten-thousandths of the indicator's unit
)
SERVICE_POINTS = campaign_metric(
    "initiatives.service_points",
    _("服务网点数"),
    ServicePoint,
    date_field="opened_on",
    campaign_field="item__campaign",
    dims=("item",),
)
