from django import template
from django.db.models import Count

from shigan.metrics.selectors import metric_by
from shigan.orgs.permissions import user_can
from shigan.study import selectors
from shigan.study.choices import StudyKind
from shigan.study.metrics import SESSIONS
from shigan.study.models import StudyActivity

register = template.Library()


@register.inclusion_tag("study/partials/workspace.html", takes_context=True)
def study_workspace(context, unit, campaign, as_of=None):
    """The study figures of `unit` in `campaign` as of a day; every number links to records."""
    user = context["request"].user
    by_kind = metric_by("kind", SESSIONS, unit=unit, user=user, campaign=campaign, as_of=as_of)
    own = StudyActivity.objects.restrict(user, "view").filter(unit=unit, campaign=campaign)
    if as_of:
        own = own.filter(held_on__lte=as_of)
    own_counts = own.order_by().values("kind").annotate(n=Count("pk"))
    own_by_kind = dict(own_counts.values_list("kind", "n"))
    leaders, _people = selectors.study_leaders(user=user, unit=unit, campaign=campaign, as_of=as_of)
    coverage = []
    if campaign is not None and campaign.root_unit_id == unit.pk:
        for batch in campaign.batches.all():
            kind = StudyKind.READING_CLASS
            c = selectors.study_coverage(
                user=user, campaign=campaign, batch=batch, kind=kind, as_of=as_of
            )
            coverage.append(
                {
                    "batch": batch,
                    "kind": kind.value,
                    "label": kind.label,
                    "covered": c.covered,
                    "enrolled": c.enrolled,
                }
            )
    return {
        "request": context["request"],
        "unit": unit,
        "campaign": campaign,
        "as_of": as_of,
        "sessions": sum(by_kind.values()),
        "by_kind": [
            {
                "kind": kind,
                "label": label,
                "value": by_kind.get(kind, 0),
                "own": own_by_kind.get(kind, 0),
            }
            for kind, label in StudyKind.choices
        ],
        "leaders": leaders,
        "coverage": coverage,
        "can_record": user_can(user, "record", unit),
    }
