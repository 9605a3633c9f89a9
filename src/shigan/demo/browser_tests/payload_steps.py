"""Issue 16 point 1: the payload walk's steps — the API writes that put a script payload into
every free-text field, in the order they run (later writes use the ids earlier ones kept), as
the roles that may write them — and the schema fields it leaves out, each with its reason.
payload_walk runs them; test_payload_fields checks them against the OpenAPI schema."""

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field

from django.core.files.uploadedfile import SimpleUploadedFile

# Schema fields that take no payload, and why.
EXCLUDED = {
    ("accounts_create", "password"): "a secret, never shown anywhere",
    ("briefings_templates_update", "name"): "the same serializer as briefings_templates_create",
    ("briefings_templates_update", "title"): "the same serializer as briefings_templates_create",
    ("briefings_templates_update", "text"): "the same serializer as briefings_templates_create",
    ("campaigns_aspects_partial_update", "name"): "the same field as campaigns_aspects_create",
    ("initiatives_indicators_partial_update", "name"): "the same field as the indicator's create",
    ("initiatives_indicators_partial_update", "target"): "the same field as the indicator's create",
    ("initiatives_projects_partial_update", "name"): "the same field as the project's create",
    ("initiatives_projects_partial_update", "funds_allocated"): "the project create's field",
    ("initiatives_projects_partial_update", "funds_disbursed"): "the project create's field",
    ("people_partial_update", "name"): "the same field as people_create",
    ("people_partial_update", "post"): "the same field as people_create",
    ("people_partial_update", "phone"): "the same field as people_create",
}

D = datetime.date(2023, 4, 10).isoformat()
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@dataclass(frozen=True)
class Step:
    """One API write: `text` fields get the payload, `refused` ones are tried with it first
    (expecting a 400 naming the field) and then hold `body`'s ordinary value. `keep` stores
    the answer's id in the walk's context under that name."""

    operation: str
    role: str
    path: str
    body: Callable[[dict], dict]
    text: tuple[str, ...] = ()
    refused: tuple[str, ...] = ()
    keep: str = ""
    method: str = "post"
    multipart: bool = False
    extra: dict = field(default_factory=dict)


def _pdf():
    return SimpleUploadedFile("整改报告.pdf", PDF, content_type="application/pdf")


def _c(ctx):
    return {"campaign": ctx["campaign"]}


WALK: tuple[Step, ...] = (
    # The office (region administrator) sets up the campaign and its parts.
    Step(
        "campaigns_create",
        "office",
        "/api/campaigns/",
        lambda c: {"root_unit": c["region"], "starts_on": "2023-04-01"},
        ("name",),
        keep="campaign",
    ),
    Step(
        "campaigns_aspects_create",
        "office",
        "/api/campaigns/{campaign}/aspects/",
        lambda c: {"kind": "research"},
        ("name",),
        keep="aspect",
    ),
    Step(
        "campaigns_batches_create",
        "office",
        "/api/campaigns/{campaign}/batches/",
        lambda c: {"starts_on": "2023-04-01"},
        ("name",),
        keep="batch",
    ),
    Step(
        "campaigns_groups_members_create",
        "office",
        "/api/campaigns/{campaign}/groups/{group}/members/",
        lambda c: {"username": "guide"},
        refused=("username",),
    ),
    Step(
        "campaigns_visits_create",
        "guide",
        "/api/campaigns/{campaign}/visits/",
        lambda c: {"group": c["group"], "unit": c["banner"], "visited_on": D, "purpose": "general"},
        ("notes",),
    ),
    Step(
        "briefings_templates_create",
        "office",
        "/api/briefings/templates/",
        lambda c: _c(c) | {"is_default": True},
        ("name", "title", "text"),
        keep="template",
    ),
    Step(
        "people_create",
        "office",
        "/api/people/",
        lambda c: {"unit": c["banner"], "phone": ""},
        ("name", "post"),
        refused=("phone",),
        keep="person",
    ),
    Step(
        "units_partial_update",
        "office",
        "/api/units/{gacha}/",
        lambda c: {},
        ("name", "short_name"),
        method="patch",
    ),
    Step(
        "accounts_create",
        "sysadmin",
        "/api/accounts/",
        lambda c: {"username": "payload_new", "password": "correct-horse-battery-9"},
        ("full_name",),
        refused=("username",),
    ),
    Step(
        "memberships_create",
        "office",
        "/api/memberships/",
        lambda c: {"username": "payload_new", "unit": c["banner"], "role": "viewer"},
        refused=("username",),
    ),
    Step("tokens_create", "banner_editor", "/api/tokens/", lambda c: {}, ("name",)),
    # Key tasks, projects and livelihood items (office), progress on them.
    Step(
        "initiatives_key_tasks_create",
        "office",
        "/api/initiatives/key-tasks/",
        lambda c: _c(c) | {"unit": c["banner"], "area": "ecology", "starts_on": "2023-04-03"},
        ("title", "goal", "task_book_text"),
        keep="task",
    ),
    Step(
        "initiatives_key_tasks_milestones_create",
        "office",
        "/api/initiatives/key-tasks/{task}/milestones/",
        lambda c: {"due_on": "2023-05-10"},
        ("title",),
        keep="milestone",
    ),
    Step(
        "initiatives_milestones_complete_create",
        "office",
        "/api/initiatives/milestones/{milestone}/complete/",
        lambda c: {"done_on": D},
        ("note",),
    ),
    Step(
        "initiatives_indicators_create",
        "office",
        "/api/initiatives/indicators/",
        lambda c: {"key_task": c["task"], "measure": "mu", "target": "100"},
        ("name",),
        refused=("target",),
        keep="indicator",
    ),
    Step(
        "initiatives_projects_create",
        "office",
        "/api/initiatives/projects/",
        lambda c: (
            _c(c)
            | {
                "unit": c["banner"],
                "key_task": c["task"],
                "kind": "ecology",
                "funds_allocated": "100",
                "funds_disbursed": "10",
                "approved_on": "2023-04-05",
            }
        ),
        ("name",),
        refused=("funds_allocated", "funds_disbursed"),
        keep="project",
    ),
    Step(
        "initiatives_projects_state_create",
        "office",
        "/api/initiatives/projects/{project}/state/",
        lambda c: {"state": "under_way", "day": D},
        ("comment",),
    ),
    Step(
        "initiatives_indicator_reports_create",
        "office",
        "/api/initiatives/indicator-reports/",
        lambda c: {
            "project": c["project"],
            "indicator": c["indicator"],
            "value": "5",
            "reported_on": D,
        },
        ("note",),
        refused=("value",),
    ),
    Step(
        "initiatives_livelihood_areas_create",
        "office",
        "/api/initiatives/livelihood-areas/",
        _c,
        ("name",),
        keep="area",
    ),
    Step(
        "initiatives_livelihood_items_create",
        "office",
        "/api/initiatives/livelihood-items/",
        lambda c: _c(c) | {"area": c["area"], "unit": c["banner"], "listed_on": D},
        ("title", "target"),
        keep="item",
    ),
    Step(
        "initiatives_livelihood_items_reports_create",
        "office",
        "/api/initiatives/livelihood-items/{item}/reports/",
        lambda c: {"percent": 30, "reported_on": D},
        ("text",),
    ),
    Step(
        "study_activities_create",
        "office",
        "/api/study/activities/",
        lambda c: _c(c) | {"unit": c["banner"], "kind": "lecture", "held_on": D},
        ("title", "notes"),
        keep="activity",
    ),
    # Problems at the banner (its clerk), decided by the office.
    Step(
        "problems_special_programs_create",
        "office",
        "/api/problems/special-programs/",
        lambda c: _c(c) | {"lead_unit": c["banner"], "created_on": D},
        ("name", "plan"),
    ),
    Step(
        "problems_problems_create",
        "banner_editor",
        "/api/problems/problems/",
        lambda c: (
            _c(c)
            | {
                "unit": c["banner"],
                "source": "self_inspection",
                "found_on": D,
                "deadline": "2023-06-30",
                "first_measure": {"deadline": "2023-06-30"},
            }
        ),
        ("title", "description", "first_measure.text"),
        keep="problem",
    ),
    Step(
        "problems_problems_measures_create",
        "banner_editor",
        "/api/problems/problems/{problem}/measures/",
        lambda c: {"deadline": "2023-06-20", "added_on": D},
        ("text",),
    ),
    Step(
        "problems_problems_progress_create",
        "banner_editor",
        "/api/problems/problems/{problem}/progress/",
        lambda c: {"percent": 50, "reported_on": D, "files": [_pdf()]},
        ("text",),
        multipart=True,
    ),
    Step(
        "problems_problems_extensions_create",
        "banner_editor",
        "/api/problems/problems/{problem}/extensions/",
        lambda c: {"new_deadline": "2023-07-31", "requested_on": D},
        ("reason",),
        keep="extension",
    ),
    Step(
        "problems_extensions_decide_create",
        "office",
        "/api/problems/extensions/{extension}/decide/",
        lambda c: {"approve": True, "decided_on": D},
        ("note",),
    ),
    Step(
        "problems_problems_closeout_create",
        "banner_editor",
        "/api/problems/problems/{problem}/closeout/",
        lambda c: {"submitted_on": "2023-04-12", "reasons": {str(m): "" for m in c["measures"]}},
        ("summary", "reasons.{}"),
        keep="closeout",
    ),
    Step(
        "problems_closeouts_decide_create",
        "office",
        "/api/problems/closeouts/{closeout}/decide/",
        lambda c: {"accept": False, "decided_on": "2023-04-13"},
        ("reason",),
    ),
    Step(
        "problems_rules_create",
        "banner_editor",
        "/api/problems/rules/",
        lambda c: _c(c) | {"unit": c["banner"], "kind": "mechanism", "created_on": D},
        ("title",),
    ),
    # A research topic at the banner, reviewed by the guidance group.
    Step(
        "research_topics_create",
        "office",
        "/api/research/topics/",
        lambda c: (
            _c(c) | {"unit": c["banner"], "aspect": c["aspect"], "lead": c["lead"], "created_on": D}
        ),
        ("title",),
        keep="topic",
    ),
    Step(
        "research_topics_plans_create",
        "office",
        "/api/research/topics/{topic}/plans/",
        lambda c: {},
        ("text",),
        multipart=True,
    ),
    Step(
        "research_topics_review_create",
        "guide",
        "/api/research/topics/{topic}/review/",
        lambda c: {"verdict": "approved"},
        ("comments",),
    ),
    Step(
        "research_topics_trips_create",
        "office",
        "/api/research/topics/{topic}/trips/",
        lambda c: {"visited_on": D, "place": "阿巴嘎旗"},
        ("findings",),
        refused=("place",),
    ),
    Step(
        "research_topics_problems_create",
        "office",
        "/api/research/topics/{topic}/problems/",
        lambda c: {"found_on": D},
        ("title",),
    ),
    Step(
        "research_topics_report_create",
        "office",
        "/api/research/topics/{topic}/report/",
        lambda c: {},
        ("text",),
        multipart=True,
    ),
    Step(
        "research_topics_results_create",
        "office",
        "/api/research/topics/{topic}/results/",
        lambda c: {"kind": "measure", "state": "adopted", "adopted_on": D, "recorded_on": D},
        ("title",),
        keep="result",
    ),
    Step(
        "research_topics_conclude_create",
        "office",
        "/api/research/topics/{topic}/conclude/",
        lambda c: {},
        ("comment",),
    ),
    Step(
        "research_results_promote_create",
        "office",
        "/api/research/results/{result}/promote/",
        lambda c: {"units": [c["gacha"]], "deadline": "2023-06-30", "promoted_on": D},
        ("note",),
        keep="promotion",
    ),
    Step(
        "research_promotion_targets_report_create",
        "gacha_agent",
        "/api/research/promotion-targets/{target}/report/",
        lambda c: {"state": "adopted", "day": D},
        ("note",),
    ),
    # Petitions: taken in by the village's agent, handled at the banner.
    Step(
        "petitions_petitions_create",
        "gacha_agent",
        "/api/petitions/petitions/",
        lambda c: {
            "agent": c["agent"],
            "received_on": "2023-04-03",
            "channel": "visit",
            "category": "land",
            "first_time": True,
            "petitioners": [{"phone": "13812345678", "id_number": "", "address": ""}],
        },
        ("title", "request", "petitioners.[]name", "petitioners.[]address"),
        refused=("petitioners.[]phone", "petitioners.[]id_number"),
        keep="petition",
    ),
    Step(
        "petitions_petitions_route_create",
        "gacha_agent",
        "/api/petitions/petitions/{petition}/route/",
        lambda c: {"to_unit": c["banner"], "day": "2023-04-04"},
        ("note",),
    ),
    Step(
        "petitions_petitions_accept_create",
        "banner_editor",
        "/api/petitions/petitions/{petition}/accept/",
        lambda c: {"accepted_on": "2023-04-05", "notified_on": "2023-04-05"},
        ("note",),
    ),
    Step(
        "petitions_petitions_extend_create",
        "office",
        "/api/petitions/petitions/{petition}/extend/",
        lambda c: {"days": 30, "approved_on": "2023-04-20", "told_on": "2023-04-20"},
        ("reason",),
    ),
    Step(
        "petitions_petitions_reply_create",
        "banner_editor",
        "/api/petitions/petitions/{petition}/reply/",
        lambda c: {"replied_on": "2023-04-25", "told_by": "writing", "told_on": "2023-04-25"},
        ("text",),
    ),
    Step(
        "petitions_petitions_review_create",
        "gacha_agent",
        "/api/petitions/petitions/{petition}/review/",
        lambda c: {"requested_on": "2023-04-28"},
        ("text",),
    ),
    Step(
        "petitions_petitions_decline_create",
        "banner_editor",
        "/api/petitions/petitions/{second_petition}/decline/",
        lambda c: {"day": "2023-04-06", "notified_on": "2023-04-06"},
        ("reason",),
    ),
)
