"""The deadline watch (逾期预警): each problem's traffic light, kept on the row.

The light is computed on working days (`shigan.core.deadlines.traffic_light`) from the date
the problem watches (its deadline; a long-term problem's next checkpoint), its latest progress
and the day it was found. The services refresh it whenever they touch a problem; the daily
watch (`problems_watch`, run by the notifications watch registry) refreshes the problems
whose light can change with the passing of days, and notifies the people responsible for those
that turned yellow or red.

A problem waiting for review keeps the light it had when its close-out was submitted (green if
submitted by the deadline): the unit has done its part, the wait is the reviewer's. A closed
problem has no light ("").
"""

import datetime
import logging
from collections import defaultdict

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.urls import NoReverseMatch
from django.utils import timezone
from django.utils.translation import gettext as _

from shigan.accounts.system import system_actor
from shigan.audit.services import AuditItem, audit_record_many
from shigan.core.calendar import CalendarError
from shigan.core.deadlines import DEFAULT_WARN_WORKDAYS, Light, traffic_light
from shigan.metrics.engine import metric_changes
from shigan.notifications.services import notification_send
from shigan.orgs.choices import Role
from shigan.orgs.models import Membership, Person, Unit
from shigan.problems.choices import UNFINISHED_STATES, MeasureState, ProblemState, ProblemTerm
from shigan.problems.models import Measure, Problem

__all__ = ["light_for", "light_refresh", "problems_watch", "warn_workdays"]

logger = logging.getLogger(__name__)

_CHUNK = 2000
# Watched by the daily run: a problem under review keeps its light until it is decided.
_WATCHED_STATES = (ProblemState.OPEN, ProblemState.IN_PROGRESS, ProblemState.REOPENED)


def warn_workdays() -> int:
    return int(getattr(settings, "SHIGAN_WARN_WORKDAYS", DEFAULT_WARN_WORKDAYS))


def light_for(problem, today: datetime.date) -> str:
    """The problem's light as of `today` ("" when closed). Without calendar data for a year
    the light cannot be computed: the stored one is kept rather than guessed."""
    if problem.state not in UNFINISHED_STATES:
        return ""
    percent = 100 if problem.state == ProblemState.PENDING_REVIEW else problem.progress_percent
    try:
        return traffic_light(
            deadline=problem.watched_deadline,
            today=today,
            progress_percent=percent,
            started_on=problem.found_on,
            warn_workdays=warn_workdays(),
        ).value
    except CalendarError as exc:
        logger.warning("problem %s: light not computed: %s", problem.pk, exc)
        return problem.light or Light.GREEN.value


def light_refresh(problem, *, today: datetime.date | None = None) -> bool:
    """Recompute and save the light of a problem a service is changing (the caller holds
    `metric_changes` over it). Returns whether it changed."""
    today = today or timezone.localdate()
    light = light_for(problem, today)
    problem.light_checked_on = today
    if light == problem.light:
        problem.save(update_fields=["light_checked_on"])
        return False
    problem.light, problem.light_on = light, today
    problem.save(update_fields=["light", "light_on", "light_checked_on"])
    return True


def _candidates(today: datetime.date):
    """Problems whose light may differ today: those near or past the date they watch, and
    those not green (which may turn green again, e.g. after a re-run for an earlier date).
    The horizon is a calendar-day bound that covers `warn` working days even across the
    Spring Festival week; `light_for` then decides exactly."""
    horizon = today + datetime.timedelta(days=2 * warn_workdays() + 14)
    checkpoint = Q(term=ProblemTerm.LONG_TERM, next_checkpoint__isnull=False)
    near = (checkpoint & Q(next_checkpoint__lte=horizon)) | (~checkpoint & Q(deadline__lte=horizon))
    return (
        Problem.objects.filter(state__in=_WATCHED_STATES)
        .filter(near | ~Q(light=Light.GREEN))
        .filter(carried_to__isnull=True)  # a carried-over original keeps its light
        .filter(found_on__lte=today)  # a problem not yet found that day has no light yet
        .only(
            "pk",
            "unit_id",
            "title",
            "state",
            "term",
            "deadline",
            "next_checkpoint",
            "found_on",
            "progress_percent",
            "light",
            "responsible_id",
        )
        .order_by("pk")
    )


def problems_watch(today: datetime.date | None = None, *, campaign=None) -> int:
    """The daily deadline watch. Marks each watched problem's light as of `today` and notifies
    the people responsible for those that turned yellow or red. Returns how many turned.
    `campaign` limits it to that campaign's problems (a demo dated in one campaign's time)."""
    today = today or timezone.localdate()
    candidates = _candidates(today)
    if campaign is not None:
        candidates = candidates.filter(campaign=campaign)
    ids = list(candidates.values_list("pk", flat=True))
    turned = 0
    for start in range(0, len(ids), _CHUNK):
        turned += _watch_chunk(ids[start : start + _CHUNK], today)
    return turned


@transaction.atomic
def _watch_chunk(ids: list[int], today: datetime.date) -> int:
    problems = list(
        _candidates(today).filter(pk__in=ids).select_for_update(of=("self",)).select_related(None)
    )
    changed = {p.pk: (p, p.light, light_for(p, today)) for p in problems}
    changed = {pk: c for pk, c in changed.items() if c[1] != c[2]}
    if not changed:
        return 0
    by_light = defaultdict(list)
    for pk, (_p, _old, new) in changed.items():
        by_light[new].append(pk)
    with metric_changes(Problem, list(changed)):
        for light, pks in by_light.items():
            Problem.objects.filter(pk__in=pks).update(
                light=light, light_on=today, light_checked_on=today
            )
    audit_record_many(
        actor=system_actor("每日巡检"),
        action="problems.light.changed",
        items=[
            AuditItem(
                "problems.problem",
                str(pk),
                p.title,
                before={"light": old},
                after={"light": new, "day": today},
            )
            for pk, (p, old, new) in changed.items()
        ],
    )
    warned = [(p, new) for p, _old, new in changed.values() if new in (Light.YELLOW, Light.RED)]
    _notify_turned(warned, today)
    return len(warned)


def _recipients(problems) -> dict[int, dict[str, set[int]]]:
    """For each problem, the users to tell, by their part in it (issue 18's rules send each
    part at once or in the digest): "responsible" — its responsible leader's account; "unit" —
    its open measures' owners' accounts and the editors, leaders and admins of its own unit;
    "superior" — the leaders of the units up to SHIGAN_NOTIFY_ESCALATE_LEVELS above it. A user
    in several parts is told once, in the first."""
    person_ids = {p.responsible_id for p in problems if p.responsible_id}
    owners = Measure.objects.filter(
        problem__in=[p.pk for p in problems], state=MeasureState.PLANNED, owner__isnull=False
    ).values_list("problem_id", "owner_id")
    owners_by_problem = defaultdict(set)
    for problem_id, owner_id in owners:
        owners_by_problem[problem_id].add(owner_id)
        person_ids.add(owner_id)
    users_of = dict(
        Person.objects.filter(pk__in=person_ids, user__is_active=True).values_list("pk", "user_id")
    )
    staff = defaultdict(set)
    for unit_id, user_id in Membership.objects.filter(
        unit_id__in={p.unit_id for p in problems},
        role__in=(Role.ADMIN, Role.EDITOR, Role.LEADER),
        user__is_active=True,
    ).values_list("unit_id", "user_id"):
        staff[unit_id].add(user_id)
    above, unit_paths = _leaders_above(problems)
    out: dict[int, dict[str, set[int]]] = {}
    for p in problems:
        responsible = {users_of[p.responsible_id]} if p.responsible_id in users_of else set()
        owners_ = {users_of[x] for x in owners_by_problem[p.pk] if x in users_of}
        unit = (owners_ | staff[p.unit_id]) - responsible
        superior = (
            set().union(*(above[path] for path in _paths_above(unit_paths[p.unit_id])))
            - responsible
            - unit
        )
        out[p.pk] = {"responsible": responsible, "unit": unit, "superior": superior}
    return out


def _paths_above(path: str) -> list[str]:
    step = Unit.steplen
    return [path[:i] for i in range(len(path) - step, 0, -step)][
        : settings.SHIGAN_NOTIFY_ESCALATE_LEVELS
    ]


def _leaders_above(problems) -> tuple[dict[str, set[int]], dict[int, str]]:
    """The leaders of each unit path above the problems' units; the units' paths."""
    unit_paths = dict(
        Unit.objects.filter(pk__in={p.unit_id for p in problems}).values_list("pk", "path")
    )
    paths = {above for path in unit_paths.values() for above in _paths_above(path)}
    out: dict[str, set[int]] = defaultdict(set)
    for path, user_id in Membership.objects.filter(
        unit__path__in=paths, unit__active=True, role=Role.LEADER, user__is_active=True
    ).values_list("unit__path", "user_id"):
        out[path].add(user_id)
    return out, unit_paths


def _notify_turned(warned, today: datetime.date) -> None:
    recipients = _recipients([p for p, _light in warned])
    for problem, light in warned:
        deadline = problem.watched_deadline
        if light == Light.RED:
            text = _("问题“%(title)s”已逾期（整改时限 %(deadline)s），亮红灯。")
        else:
            text = _("问题“%(title)s”临近整改时限（%(deadline)s）且进度滞后，亮黄灯。")
        for role, users in recipients.get(problem.pk, {}).items():
            if users:
                notification_send(
                    recipients=sorted(users),
                    kind=f"problems.light.{light}",
                    text=text % {"title": problem.title, "deadline": deadline},
                    link=_link(problem),
                    role=role,
                )


def _link(problem) -> str:
    try:
        return problem.get_absolute_url()
    except NoReverseMatch:
        return ""
