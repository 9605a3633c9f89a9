"""The permission matrix (issue 17, point 5), after NetBox's ViewTestCases and pretix's view
tests: every URL pattern and API route (permission_routes.ROUTES) is asked by every role ×
relation to the unit of the record it names — own unit, its ancestor, its descendant, its
sibling, a guidance group assigned to it, no role at all, not signed in — with the status the
role table (orgs.choices.ROLE_ACTIONS) gives.

The records are the demo scenario's (built once for this package); the subjects are made here,
once per module, placed around each record's unit: "editor@descendant" is an editor of the
unit's parent, so the record lies in a descendant of the unit the role is held on.

`test_every_route_is_in_the_matrix` fails when a route has no entry, so a new route cannot
escape the matrix.
"""

import contextlib
import itertools
import os
from http.cookies import SimpleCookie

import pytest
from django.contrib.auth import get_user_model
from django.db import transaction
from django.test import Client
from django.urls import NoReverseMatch, URLPattern, URLResolver, get_resolver, reverse

from shigan.campaigns.models import Campaign, GuidanceGroup
from shigan.campaigns.scoping import GUIDANCE_ACTIONS
from shigan.orgs.choices import ROLE_ACTIONS, Role
from shigan.orgs.models import Membership, Unit

from .permission_routes import ROUTES, Route

ROLES = (Role.ADMIN, Role.EDITOR, Role.LEADER, Role.VIEWER)
# relation of the record's unit to the unit the role is held on -> where to hold the role
RELATIONS = ("own", "descendant", "ancestor", "sibling")
IN_SCOPE = {"own", "descendant"}  # a role applies to its unit's whole subtree
OK, LOGIN = "ok", "login"


# ---------------------------------------------------------------------------- the routes


def _walk(resolver, prefix=""):
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            namespace = entry.namespace
            inner = f"{prefix}{namespace}:" if namespace else prefix
            yield from _walk(entry, inner)
        elif isinstance(entry, URLPattern):
            yield f"{prefix}{entry.name}" if entry.name else str(entry.pattern)


def route_names() -> set[str]:
    """Every URL pattern's name (its pattern when it has none), DRF routers' included."""
    return set(_walk(get_resolver()))


def test_every_action_is_the_role_tables_or_named():
    """A route's action is one the role table grants or one of SPECIAL_ACTIONS (a typo would
    otherwise expect every role to be refused)."""
    granted = set().union(*ROLE_ACTIONS.values()) | SPECIAL_ACTIONS
    actions = {a for route in ROUTES.values() for a in (route.action, route.write) if a}
    assert actions <= granted, sorted(actions - granted)


def test_every_route_is_in_the_matrix():
    names = route_names()
    missing = sorted(names - ROUTES.keys())
    stale = sorted(ROUTES.keys() - names)
    assert not missing, f"routes with no entry in permission_routes.ROUTES: {missing}"
    assert not stale, f"entries of permission_routes.ROUTES that name no route: {stale}"


# ---------------------------------------------------------------------------- the records


def _models():
    from shigan.briefings.models import Briefing
    from shigan.campaigns.models import Aspect, Batch, Campaign, Participation
    from shigan.initiatives.models import (
        Indicator,
        IndicatorReport,
        KeyTask,
        LivelihoodItem,
        Milestone,
        Project,
    )
    from shigan.orgs.models import Person
    from shigan.petitions.models import Agent, Petition, PetitionAttachment, PetitionReview
    from shigan.problems.models import (
        CloseOut,
        DeadlineExtension,
        Evidence,
        Measure,
        Problem,
        ProgressReport,
        Rule,
        SpecialProgram,
    )
    from shigan.research.models import (
        PromotionTarget,
        ResearchPlan,
        ResearchResult,
        ResearchTopic,
        ResearchTrip,
        ResultPromotion,
    )
    from shigan.study.models import StudyActivity

    return {
        "unit": Unit,
        "membership": Membership,
        "person": Person,
        "topic": ResearchTopic,
        "plan": ResearchPlan,
        "trip": ResearchTrip,
        "result": ResearchResult,
        "promotion": ResultPromotion,
        "target": PromotionTarget,
        "problem": Problem,
        "measure": Measure,
        "report": ProgressReport,
        "closeout": CloseOut,
        "extension": DeadlineExtension,
        "evidence": Evidence,
        "program": SpecialProgram,
        "rule": Rule,
        "key_task": KeyTask,
        "milestone": Milestone,
        "project": Project,
        "livelihood_item": LivelihoodItem,
        "indicator": Indicator,
        "indicator_report": IndicatorReport,
        "activity": StudyActivity,
        "campaign": Campaign,
        "batch": Batch,
        "participation": Participation,
        "aspect": Aspect,
        "group": GuidanceGroup,
        "petition": Petition,
        "agent": Agent,
        "petition_review": PetitionReview,
        "petition_attachment": PetitionAttachment,
        "briefing": Briefing,
    }


# How a record reaches the unit it belongs to, tried in this order.
UNIT_PATH = (
    "unit",
    "lead_unit",
    "root_unit",
    "problem",
    "topic",
    "plan",
    "result",
    "promotion",
    "indicator",
    "key_task",
    "task",
    "project",
    "item",
    "activity",
    "body",  # a petition's review: the reviewing body's (before its petition's unit)
    "petition",
    "review",
    "campaign",
)


def unit_of(record) -> Unit:
    if isinstance(record, Unit):
        return record
    for attr in UNIT_PATH:
        target = getattr(record, attr, None)
        if target is not None and not callable(target):
            return unit_of(target)
    raise AssertionError(f"no unit for {record!r}")


def _children(unit: Unit):
    return Unit.objects.filter(path__startswith=unit.path, depth=unit.depth + 1).order_by("path")


def _parent(unit: Unit) -> Unit | None:
    return Unit.objects.filter(path=unit.path[: -Unit.steplen]).first() if unit.depth > 1 else None


def _siblings(unit: Unit):
    prefix = unit.path[: -Unit.steplen]
    same_level = Unit.objects.filter(path__startswith=prefix, depth=unit.depth)
    return same_level.exclude(pk=unit.pk).order_by("path")


def _placeable(unit: Unit) -> bool:
    """A unit with a parent, a child and a sibling: every relation can be made around it."""
    return unit.depth > 1 and _children(unit).exists() and _siblings(unit).exists()


class Records(dict):
    """The scenario's record of each kind, picked on first use."""

    def __missing__(self, key):
        self[key] = _pick(_models()[key])
        return self[key]


def _pick(model):
    found = model.objects.order_by("pk")
    if model is GuidanceGroup:  # the scenario's, not a group made here for a subject
        found = found.exclude(name__startswith="matrix ")
    records = list(found[:300])
    assert records, f"the scenario has no {model.__name__}"
    for record in records:
        try:
            if _placeable(unit_of(record)):
                return record
        except AssertionError:
            continue
    return records[0]


def _campaign_id(record) -> int | None:
    if hasattr(record, "campaign_id"):
        return record.campaign_id
    batch = getattr(record, "batch", None)
    return batch.campaign_id if batch is not None else None


def _kwarg_choices(key: str, record) -> list[dict]:
    """The URL kwargs that can name `record`: the first that reverses is used."""
    pk = record.pk
    campaign = _campaign_id(record)
    return [
        {"pk": pk},
        {"pk": getattr(record, "unit_id", None), "person_pk": pk},
        {"pk": getattr(record, "unit_id", None), "membership_pk": pk},
        {"pk": campaign, "batch_pk": pk},
        {"pk": campaign, "participation_pk": pk},
        {"pk": campaign, "aspect_pk": pk},
        {"pk": campaign, "group_pk": pk},
        {"campaign_pk": campaign, "pk": pk},
        {"campaign_pk": pk},
        {"agent": pk},
        {"task": pk},
        {},  # a route that names its record in the query string only (Route.query)
    ]


ALIASES = {
    "campaign_api": "campaign",
    "participation_api": "participation",
    "aspect_api": "aspect",
    "group_api": "group",
    "agent_as_agent": "agent",
    "enrolment": "participation",
    "key_task_as_task": "key_task",
}


def url_for(name: str, route: Route, record=None, key: str = "") -> str:
    if record is None:
        return reverse(name, kwargs=route.kwargs)
    if key == "campaign_unit":  # a campaign's workspace of one unit
        return reverse(name, kwargs={"pk": _campaign_id(record), "unit_pk": record.unit_id})
    for kwargs in _kwarg_choices(key, record):
        try:
            return reverse(name, kwargs={**kwargs, **route.kwargs})
        except NoReverseMatch:
            continue
    raise AssertionError(f"cannot name {record!r} in {name}")


# ---------------------------------------------------------------------------- the subjects


class Subjects:
    """Signed-in clients, made once per module and reused by every route."""

    def __init__(self, campaign):
        self.campaign = campaign
        self.clients: dict[tuple, Client] = {}
        self.count = itertools.count()

    def _client(self, key, make_user) -> Client:
        if key not in self.clients:
            client = Client()
            if make_user is not None:
                client.force_login(make_user())
            self.clients[key] = client
        return self.clients[key]

    def _user(self, **fields):
        return get_user_model().objects.create_user(
            username=f"matrix-{next(self.count)}", password=None, **fields
        )

    def role(self, role: str, unit: Unit) -> Client:
        def make():
            user = self._user()
            Membership.objects.create(user=user, unit=unit, role=role)
            return user

        return self._client(("role", role, unit.pk), make)

    def guide(self, unit: Unit, campaign=None) -> Client:
        """A member of a guidance group assigned `unit`, in the record's campaign (a group
        guides within its campaign: visits, close-outs), else the scenario's."""
        campaign = campaign or self.campaign

        def make():
            user = self._user()
            group = GuidanceGroup.objects.create(campaign=campaign, name=f"matrix {unit.pk}")
            group.units.add(unit)
            group.members.add(user)
            return user

        return self._client(("guide", unit.pk, campaign.pk), make)

    def system(self, role: str) -> Client:
        return self._client(("system", role), lambda: self._user(system_role=role))

    def nobody(self) -> Client:
        return self._client(("nobody",), self._user)

    def anonymous(self) -> Client:
        return self._client(("anonymous",), None)


@pytest.fixture(scope="module")
def matrix(scenario, django_db_blocker):
    """The subjects and the records, kept for the module and rolled back after it."""
    with django_db_blocker.unblock(), transaction.atomic():
        records = Records()
        subjects = Subjects(scenario.campaign)
        # Every subject signs in here, not in a test: a test's own transaction is rolled back
        # after it, and the session with it. A route whose record is missing fails alone.
        for name, route in ROUTES.items():
            with contextlib.suppress(Exception):  # that route's own test reports it
                list(cases(name, route, subjects, records))
        yield subjects, records
        transaction.set_rollback(True)


def _relation_unit(relation: str, unit: Unit) -> Unit | None:
    """Where to hold a role so that a record of `unit` stands in `relation` to it."""
    if relation == "own":
        return unit
    if relation == "descendant":  # the record lies below the role's unit
        return _parent(unit)
    if relation == "ancestor":  # the record lies above the role's unit
        return _children(unit).first()
    return _siblings(unit).first()


# ---------------------------------------------------------------------------- expectations


# Actions no unit role grants (orgs.choices.ROLE_ACTIONS), each with who is given it instead:
#   "agent"  — the petition agent's own desk, intake and import (README, Petitions: "the
#              agent's desk"; petitions.selectors.agent_posts): no subject here is that agent
#   "guide"  — logging a guidance visit (DESIGN, Who uses it: the guidance group member "logs
#              guidance visits"): members of a guidance group of the campaign only
#   "office" — the campaign office's lists (DESIGN: the office "at a root unit"; the
#              livelihood list is numbered by it): "change" on the campaign's root unit
SPECIAL_ACTIONS = {"agent", "guide", "office"}


def expected_scoped(route: Route, method: str, role: str | None, relation: str, office=False):
    """What the role table gives `role` held in `relation` to the record's unit; `office`:
    whether the unit the role is held on covers the campaign's root unit."""
    action = route.action_for(method)
    if relation == "anonymous":
        return LOGIN
    if relation == "guidance":
        if action in GUIDANCE_ACTIONS or action == "guide":
            return OK
        return route.denied
    if relation == "none":
        return 404
    actions = ROLE_ACTIONS[role]
    if relation == "ancestor" and route.actions_from_below():  # in sight, not in scope
        return OK if action in route.actions_from_below() else route.denied
    if relation not in IN_SCOPE:
        return 404
    if action == "office":
        return OK if office and "change" in actions else route.denied
    if action not in actions:
        return route.denied
    if (route.where == "own" and relation != "own") or (
        route.where == "above" and relation == "own"
    ):
        return 403  # the role has the action on the unit, not from where the rule wants it
    return OK


def cases(name: str, route: Route, subjects: Subjects, records: dict):
    """(subject label, client, url, {method: expected outcome}) for every subject the route
    is asked by."""
    if route.obj is None:
        url = url_for(name, route)
        home = Unit.objects.get(division_code="152500000000")
        # a route given pk 0 names a record nobody has: whoever may ask is told 404
        ok = route.answer or (404 if 0 in route.kwargs.values() else OK)

        def each(outcome):
            return dict.fromkeys(route.methods, outcome)

        yield "anonymous", subjects.anonymous(), url, each(ok if route.public else LOGIN)
        yield "nobody", subjects.nobody(), url, each(ok if not route.system else route.denied)
        for role in (Role.ADMIN, Role.VIEWER):
            expect = ok if not route.system else route.denied
            yield f"{role}@own", subjects.role(role, home), url, each(expect)
        if route.system:
            for system_role in ("system_admin", "security_admin", "auditor"):
                expect = ok if system_role == route.system else route.denied
                yield system_role, subjects.system(system_role), url, each(expect)
        return
    key = ALIASES.get(route.obj, route.obj)
    record = records["participation" if key in ("campaign_unit", "enrolment") else key]
    # a campaign's enrolment is the campaign office's to change: its unit is the campaign's
    # (route.obj: `key` is already the alias, "participation")
    unit = unit_of(record.batch.campaign if route.obj == "enrolment" else record)
    url = url_for(name, route, record, key=route.obj)
    campaign = subjects.campaign
    if route.query:
        batch = campaign.batches.order_by("ordinal").first()
        names = {"unit": unit.pk, "pk": record.pk, "campaign": campaign.pk, "batch": batch.pk}
        url += "?" + route.query.format(**names)
    # the campaign office of the record's own campaign when it has one
    guided = record if isinstance(record, Campaign) else None
    if guided is None and _campaign_id(record):
        guided = Campaign.objects.get(pk=_campaign_id(record))
    root = (guided or campaign).root_unit

    def expect(role, relation, where=None):
        office = where is not None and root.path.startswith(where.path)
        answers = {}
        for method in route.methods:
            got = expected_scoped(route, method, role, relation, office)
            # a route given pk 0 for its second record names one nobody has: 404 once allowed
            if got == OK and 0 in route.kwargs.values():
                got = 404
            answers[method] = route.answer if got == OK and route.answer else got
        return answers

    yield "anonymous", subjects.anonymous(), url, expect(None, "anonymous")
    yield "nobody", subjects.nobody(), url, expect(None, "none")
    yield "guidance", subjects.guide(unit, guided), url, expect(None, "guidance")
    for role in ROLES:
        # Out of scope is out of scope whatever the role: asked of the strongest role only.
        for relation in RELATIONS if role == Role.ADMIN else sorted(IN_SCOPE):
            where = _relation_unit(relation, unit)
            if where is None:  # a root unit has no parent nor sibling
                continue
            label = f"{role}@{relation}"
            yield label, subjects.role(role, where), url, expect(role, relation, where)


def outcome(response, api: bool, anonymous: bool):
    status = response.status_code
    if status == 302 and response.get("Location", "").startswith("/accounts/login"):
        return LOGIN
    if api and anonymous and status in (401, 403):
        return LOGIN
    # 415: an upload route told an empty JSON body is not a file, after its permission check
    if status < 400 or status in (400, 409, 415, 422):
        return OK
    return status


def ask(client: Client, method: str, url: str):
    """One request in a savepoint that is rolled back, so a write it makes leaves no trace;
    the client keeps its cookies (a logout or a password change must not sign it out)."""
    cookies = SimpleCookie(client.cookies)
    with transaction.atomic():
        if method == "get":
            response = client.get(url)
        elif url.startswith("/api/"):
            response = client.generic(method.upper(), url, "{}", "application/json")
        else:
            response = client.generic(method.upper(), url, "")
        transaction.set_rollback(True)
    client.cookies = cookies
    return response


@pytest.mark.django_db
@pytest.mark.parametrize("name", sorted(ROUTES))
def test_route_answers_as_the_role_table_says(matrix, name):
    subjects, records = matrix
    route = ROUTES[name]
    wrong = []
    for label, client, url, expects in cases(name, route, subjects, records):
        for method in route.methods:
            expect = expects[method]
            response = ask(client, method, url)
            got = outcome(response, url.startswith("/api/"), label == "anonymous")
            if os.environ.get("SHIGAN_MATRIX_DUMP"):  # a table of every answer, to study
                with open(os.environ["SHIGAN_MATRIX_DUMP"], "a") as dump:
                    dump.write(f"{name}\t{method}\t{label}\t{expect}\t{got}\t{url}\n")
            if route.known.get(f"{method} {label}", route.known.get(label, expect)) != got:
                wrong.append(f"{method.upper()} {url} as {label}: expected {expect}, got {got}")
    assert not wrong, "\n".join(wrong)
