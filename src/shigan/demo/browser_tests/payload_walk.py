"""Issue 16 point 1: the payload walk's runner.

`free_text_fields()` reads the OpenAPI schema for every request body property that is free text
(a string with no enum and no format, not read-only; nested objects, lists and dicts included).
`WALK` (payload_steps) is the table of API writes that put the script payload into such fields;
`EXCLUDED` names the few schema fields the walk does not fill, each with its reason.
test_payload_fields checks WALK + EXCLUDED against the schema, so a new free-text field fails
until the walk covers it; test_script_payloads runs the walk through the API and visits the
pages that show what it wrote.

A field the API refuses to hold the payload (a phone number, a quantity, a user name) is listed
in its step's `refused`: the walk sends the payload there first and expects a 400 whose error
names that field, then writes the step with an ordinary value in it."""

import copy
import datetime
import re
from base64 import b32decode
from collections.abc import Callable

from django.contrib.auth import get_user_model
from django.test import override_settings
from django_otp.plugins.otp_totp.models import TOTPDevice
from drf_spectacular.generators import SchemaGenerator
from rest_framework.test import APIClient

from shigan.accounts.choices import SystemRole
from shigan.accounts.services import user_create
from shigan.accounts.system import system_actor
from shigan.campaigns import services as campaigns
from shigan.campaigns.models import Campaign
from shigan.core.services import calendar_year_seed
from shigan.demo.browser_tests.payload_steps import EXCLUDED, WALK, Step
from shigan.demo.services import DEMO_PASSWORD, DEMO_TOTP_SECRET, demo_setup
from shigan.orgs.models import Unit
from shigan.petitions import services as petitions
from shigan.petitions.models import Agent
from shigan.problems.models import Measure
from shigan.research.models import PromotionTarget

__all__ = ["EXCLUDED", "SHOWN", "WALK", "free_text_fields", "payload_for", "walk_setup"]

SHOWN = r"<(?:img src=x onerror|svg onload)=alert\((\d+)\)>"  # a shown payload's tag


def payload_for(max_length: int | None, tag: int) -> str:
    """The payload for one field, tagged with its number (so a page tells which fields it
    shows), the longest that fits the field's max_length; each runs script if parsed."""
    candidates = (
        f"<img src=x onerror=alert({tag})>",
        f"<svg onload=alert({tag})>",
        "<b onclick=x()>",
    )
    return next((p for p in candidates if len(p) <= (max_length or len(p))), candidates[-1])


day = datetime.date


def _string_fields(schema: dict, components: dict, prefix: str = ""):
    """(dotted name, property) of every writable leaf of a request body; lists as `name.[]`."""

    def resolve(node):
        while "$ref" in node:
            node = components[node["$ref"].rsplit("/", 1)[-1]]
        if len(node.get("allOf", ())) == 1:
            node = {**resolve(node["allOf"][0]), **{k: v for k, v in node.items() if k != "allOf"}}
        return node

    node = resolve(schema)
    if node.get("type") == "array":
        yield from _string_fields(node["items"], components, prefix + "[]")
        return
    for name, prop in node.get("properties", {}).items():
        prop = resolve(prop)
        if prop.get("readOnly"):
            continue
        if isinstance(prop.get("additionalProperties"), dict):  # a dict field: its values
            yield f"{prefix}{name}.{{}}", resolve(prop["additionalProperties"])
        elif "properties" in prop or prop.get("type") in ("object", "array"):
            yield from _string_fields(prop, components, f"{prefix}{name}.")
        else:
            yield prefix + name, prop


def _free_text(prop: dict) -> bool:
    return prop.get("type") == "string" and not {"enum", "format", "oneOf"} & prop.keys()


def free_text_fields() -> dict[tuple[str, str], int | None]:
    """(operationId, field) → maxLength of every free-text request body field of a write."""
    with override_settings(SHIGAN_API_DOCS_PUBLIC=True):
        schema = SchemaGenerator().get_schema(request=None, public=True)
    components, found = schema["components"]["schemas"], {}
    for operations in schema["paths"].values():
        for method, operation in operations.items():
            body = operation.get("requestBody") if method in ("post", "put", "patch") else None
            if not body:
                continue
            content = body["content"]
            media = content.get("application/json") or next(iter(content.values()))
            for name, prop in _string_fields(media["schema"], components):
                if _free_text(prop):
                    found[operation["operationId"], name] = prop.get("maxLength")
    return found


def _fill(body: dict, name: str, value) -> None:
    """Puts `value` at a dotted field name (`petitioners.[]name`: into every item)."""
    head, _dot, rest = name.partition(".")
    if not rest:
        body[head] = value
    elif rest == "{}":
        body[head] = dict.fromkeys(body[head], value)
    elif rest.startswith("[]"):
        for item in body[head]:
            _fill(item, rest.removeprefix("[]"), value)
    else:
        _fill(body.setdefault(head, {}), rest, value)


def walked_fields() -> set[tuple[str, str]]:
    return {(s.operation, f) for s in WALK for f in (*s.text, *s.refused)}


def _send(client, step: Step, path: str, body: dict):
    media = "multipart" if step.multipart else "json"
    return getattr(client, step.method)(path, body, format=media)


CHINESE = re.compile(r"[\u4e00-\u9fff]")


def _error_names(answer: dict, name: str) -> bool:
    """The 400's body names the field (or, for a list's item, the list)."""
    text = str(answer)
    return name.split(".")[0] in text or name.rsplit("]", 1)[-1] in text


def run_walk(users: dict, ctx: dict, hooks: dict[str, Callable[[dict], None]]) -> dict:
    """Runs WALK through the API (DRF's test client, authenticated as each step's role).
    `hooks[op]` runs before step `op` (to set up what has no API: a guidance group …).
    Returns {(operation, field): ("stored", its payload's tag) | ("refused", the 400's body)}."""
    outcomes, lengths = {}, free_text_fields()
    tags = {name: n for n, name in enumerate(sorted(walked_fields()), start=1)}

    def payload(step, name):
        return payload_for(lengths[step.operation, name], tags[step.operation, name])

    for step in WALK:
        if step.operation in hooks:
            hooks[step.operation](ctx)
        client = APIClient()
        client.force_authenticate(users[step.role])
        path = step.path.format(**ctx)
        body = step.body(ctx)
        for name in step.refused:
            tried = copy.deepcopy(body)
            for each in (name, *step.text):
                _fill(tried, each, payload(step, each))
            answer = _send(client, step, path, tried)
            assert answer.status_code == 400, (
                step.operation,
                name,
                answer.status_code,
                answer.data,
            )
            assert _error_names(answer.data, name), (step.operation, name, answer.data)
            assert CHINESE.search(answer.data["detail"]), answer.data  # a message for people
            outcomes[step.operation, name] = ("refused", answer.data)
        for name in step.text:
            _fill(body, name, payload(step, name))
        answer = _send(client, step, path, body)
        assert answer.status_code in (200, 201), (step.operation, answer.status_code, answer.data)
        outcomes |= {(step.operation, n): ("stored", tags[step.operation, n]) for n in step.text}
        if step.keep:
            ctx[step.keep] = answer.data["id"]
    return outcomes


def _second_petition(users, ctx) -> None:
    """A petition routed to the banner, to be declined (the first one is accepted)."""
    made = petitions.petition_intake(
        actor=users["gacha_agent"],
        agent=Agent.objects.get(pk=ctx["agent"]),
        received_on=day(2023, 4, 3),
        channel="letter",
        title="草场纠纷",
        request="请求调解",
        category="land",
        first_time=True,
        petitioners=[{"name": "王五", "phone": ""}],
    )
    petitions.petition_route(
        actor=users["gacha_agent"],
        petition=made,
        to_unit=Unit.objects.get(pk=ctx["banner"]),
        day=day(2023, 4, 4),
    )
    ctx["second_petition"] = made.pk


def _hooks(users):
    """What the walk needs that has no API of its own (or no text field): a guidance group,
    the banner's participation, the agent, the promotion's target, a second petition."""
    office = users["office"]

    def group(ctx):
        campaign = Campaign.objects.get(pk=ctx["campaign"])
        batch = campaign.batches.get(pk=ctx["batch"])
        banner = Unit.objects.get(pk=ctx["banner"])
        campaigns.participation_enroll(
            actor=office,
            batch=batch,
            units=[banner],
            enrolled_on=day(2023, 4, 1),
            include_subtree=True,
        )
        made = campaigns.guidance_group_create(actor=office, campaign=campaign, name="第一指导组")
        campaigns.guidance_group_assign(actor=office, group=made, units=[banner])
        ctx["group"] = made.pk

    def lead(ctx):
        ctx["lead"] = ctx["person"]

    def agent(ctx):
        gacha = Unit.objects.get(pk=ctx["gacha"])
        user = users["gacha_agent"]
        found = Agent.objects.filter(user=user).first()
        ctx["agent"] = (found or petitions.agent_appoint(actor=office, user=user, unit=gacha)).pk

    def measures(ctx):
        ctx["measures"] = list(
            Measure.objects.filter(problem_id=ctx["problem"]).values_list("pk", flat=True)
        )

    def target(ctx):
        ctx["target"] = PromotionTarget.objects.get(promotion_id=ctx["promotion"]).pk

    return {
        "campaigns_groups_members_create": group,
        "research_topics_create": lead,
        "petitions_petitions_create": agent,
        "research_promotion_targets_report_create": target,
        "problems_problems_closeout_create": measures,
        "petitions_petitions_decline_create": lambda ctx: _second_petition(users, ctx),
    }


def walk_setup() -> dict:
    """The demo accounts and tree, then the walk: {"ctx": ids by name, "outcomes": …}."""
    demo_setup(scenario=False)
    calendar_year_seed(actor=system_actor("test"), year=2023)
    for username in ("payload_sysadmin", "payload_sysadmin2"):  # one writes, one reads
        admin = user_create(
            actor=system_actor("test"),
            username=username,
            password=DEMO_PASSWORD,
            system_role=SystemRole.SYSTEM_ADMIN,
        )
        # The demo accounts' published second factor, which the browser tests' login answers.
        TOTPDevice.objects.create(
            user=admin, name="totp", confirmed=True, key=b32decode(DEMO_TOTP_SECRET).hex()
        )
    users = {u.username: u for u in get_user_model().objects.all()}
    users["sysadmin"] = users["payload_sysadmin"]
    region = Unit.objects.get(division_level=1, division_code="150000000000")
    banner = Unit.objects.get(division_level=3, division_code="152522000000")
    gacha = Unit.objects.get(division_level=5, division_code="152522100200")
    ctx = {"region": region.pk, "banner": banner.pk, "gacha": gacha.pk}
    outcomes = run_walk(users, ctx, _hooks(users))
    office = APIClient()
    office.force_authenticate(users["office"])
    briefing = office.post(
        "/api/briefings/",
        {"campaign": ctx["campaign"], "unit": ctx["banner"], "as_of": "2023-04-30"},
        format="json",
    )
    assert briefing.status_code == 201, briefing.data
    ctx["briefing"] = briefing.data["id"]
    ctx["town"] = Unit.objects.get_parent(gacha).pk
    return {"ctx": ctx, "outcomes": outcomes}
