"""The petition agency's figures, declared once. All by the unit where the petition was
received (its subtree): a first-time petition "resolved locally" is answered at or below the
township (flag set at the reply), and stops counting as resolved once the petitioner asks for a
review (it has gone up a level) — read from the transition history, so as-of dates hold."""

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from shigan.metrics.registry import Metric, StateHistory, register_metric
from shigan.petitions.choices import SATISFIED, PetitionState
from shigan.petitions.models import Petition, PetitionTransition

HISTORY = StateHistory(PetitionTransition, record_field="petition")
RESOLVED = (PetitionState.REPLIED,)
ORDER = ("-received_on", "-pk")

RECEIVED = register_metric(
    Metric(
        key="petitions.received",
        label=_("受理登记信访件数"),
        model=Petition,
        date_field="received_on",
        dims=("channel", "category"),
        order_by=ORDER,
    )
)
FIRST_TIME = register_metric(
    Metric(
        key="petitions.first_time",
        label=_("初信初访件数"),
        model=Petition,
        filter=Q(first_time=True),
        date_field="received_on",
        dims=("channel", "category"),
        order_by=ORDER,
    )
)
RESOLVED_LOCALLY = register_metric(
    Metric(
        key="petitions.resolved_locally",
        label=_("就地化解件数"),
        model=Petition,
        filter=Q(resolved_locally=True),
        states=RESOLVED,
        history=HISTORY,
        dims=("category",),
        order_by=ORDER,
    )
)
FIRST_TIME_RESOLVED_LOCALLY = register_metric(
    Metric(
        key="petitions.first_time_resolved_locally",
        label=_("初信初访就地化解件数"),
        model=Petition,
        filter=Q(first_time=True, resolved_locally=True),
        states=RESOLVED,
        history=HISTORY,
        dims=("category",),
        order_by=ORDER,
    )
)
REPLIED = register_metric(
    Metric(
        key="petitions.replied",
        label=_("已答复件数"),
        model=Petition,
        filter=Q(replied_on__isnull=False),
        date_field="replied_on",
        dims=("category",),
        order_by=ORDER,
    )
)
ON_TIME = register_metric(
    Metric(
        key="petitions.on_time",
        label=_("按期答复件数"),
        model=Petition,
        filter=Q(replied_on__isnull=False, replied_on_time=True),
        date_field="replied_on",
        dims=("category",),
        order_by=ORDER,
    )
)
RATED = register_metric(
    Metric(
        key="petitions.rated",
        label=_("已评价件数"),
        model=Petition,
        filter=~Q(satisfaction=""),
        date_field="rated_on",
        dims=("satisfaction",),
        order_by=ORDER,
    )
)
SATISFIED_METRIC = register_metric(
    Metric(
        key="petitions.satisfied",
        label=_("满意和基本满意件数"),
        model=Petition,
        filter=Q(satisfaction__in=SATISFIED),
        date_field="rated_on",
        dims=("satisfaction",),
        order_by=ORDER,
    )
)
