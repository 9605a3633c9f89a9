"""The petition agency's figures, declared once. All by the unit where the petition was
received (its subtree): a first-time petition "resolved locally" is answered at or below the
township (flag set at the reply), and stops counting as resolved once the petitioner asks for a
review (it has gone up a level) — read from the transition history, so as-of dates hold.

The union desk's rights cases of new-form workers (工会维权, `kind` "union") take the same
figures under the keys `union.*`; the `petitions.*` figures count petitions only."""

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from shigan.metrics.registry import Metric, StateHistory, register_metric
from shigan.petitions.choices import SATISFIED, CaseKind, PetitionState
from shigan.petitions.models import Petition, PetitionTransition

HISTORY = StateHistory(PetitionTransition, record_field="petition")
RESOLVED = (PetitionState.REPLIED,)
ORDER = ("-received_on", "-pk")
KIND_PREFIX = {CaseKind.PETITION: "petitions", CaseKind.UNION: "union"}


def _pair(name: str, labels, *, filter: Q | None = None, **fields) -> tuple[Metric, Metric]:
    """The figure `name` for petitions and for union cases: (label of each), same rule."""
    petitions, union = (
        register_metric(
            Metric(
                key=f"{KIND_PREFIX[kind]}.{name}",
                label=label,
                model=Petition,
                filter=Q(kind=kind) & (filter or Q()),
                order_by=ORDER,
                **fields,
            )
        )
        for kind, label in zip((CaseKind.PETITION, CaseKind.UNION), labels, strict=True)
    )
    return petitions, union


RECEIVED, UNION_RECEIVED = _pair(
    "received",
    (_("受理登记信访件数"), _("受理工会维权案件数")),
    date_field="received_on",
    dims=("channel", "category"),
)
FIRST_TIME, UNION_FIRST_TIME = _pair(
    "first_time",
    (_("初信初访件数"), _("首次反映的工会维权案件数")),
    filter=Q(first_time=True),
    date_field="received_on",
    dims=("channel", "category"),
)
RESOLVED_LOCALLY, UNION_RESOLVED_LOCALLY = _pair(
    "resolved_locally",
    (_("就地化解件数"), _("就地化解的工会维权案件数")),
    filter=Q(resolved_locally=True),
    states=RESOLVED,
    history=HISTORY,
    dims=("category",),
)
FIRST_TIME_RESOLVED_LOCALLY, UNION_FIRST_TIME_RESOLVED_LOCALLY = _pair(
    "first_time_resolved_locally",
    (_("初信初访就地化解件数"), _("首次反映就地化解的工会维权案件数")),
    filter=Q(first_time=True, resolved_locally=True),
    states=RESOLVED,
    history=HISTORY,
    dims=("category",),
)
REPLIED, UNION_REPLIED = _pair(
    "replied",
    (_("已答复件数"), _("已答复的工会维权案件数")),
    filter=Q(replied_on__isnull=False),
    date_field="replied_on",
    dims=("category",),
)
ON_TIME, UNION_ON_TIME = _pair(
    "on_time",
    (_("按期答复件数"), _("按期答复的工会维权案件数")),
    filter=Q(replied_on__isnull=False, replied_on_time=True),
    date_field="replied_on",
    dims=("category",),
)
RATED, UNION_RATED = _pair(
    "rated",
    (_("已评价件数"), _("已评价的工会维权案件数")),
    filter=~Q(satisfaction=""),
    date_field="rated_on",
    dims=("satisfaction",),
)
SATISFIED_METRIC, UNION_SATISFIED = _pair(
    "satisfied",
    (_("满意和基本满意件数"), _("满意和基本满意的工会维权案件数")),
    filter=Q(satisfaction__in=SATISFIED),
    date_field="rated_on",
    dims=("satisfaction",),
)
