"""Writes on research topics. Every state change goes through one of these services, writes a
`TopicTransition` row (who, when, from, to, comment) and its audit entry in one transaction.

One module per thing written: `topics`, `plans`, `trips`, `results`, `promotion` (推广), and
`bulk` (many of them at once); `base` holds what they share. The names below are the app's write
API, imported by views, the API, importers, the demo and the tests.
"""

from shigan.research.services.base import ResearchError
from shigan.research.services.bulk import (
    PlanDraft,
    ResearchBulkRejected,
    ReviewDraft,
    TopicDraft,
    TripDraft,
    plan_bulk_review,
    plan_bulk_submit,
    topic_bulk_create,
    trip_bulk_log,
)
from shigan.research.services.plans import (
    notify_plans_submitted,
    topic_plan_review,
    topic_plan_submit,
)
from shigan.research.services.promotion import promotion_report, result_promote
from shigan.research.services.results import result_adopt, result_create
from shigan.research.services.topics import (
    topic_conclude,
    topic_create,
    topic_problem_create,
    topic_report_submit,
)
from shigan.research.services.trips import research_visit_log, topic_trip_log

__all__ = [
    "PlanDraft",
    "ResearchBulkRejected",
    "ResearchError",
    "ReviewDraft",
    "TopicDraft",
    "TripDraft",
    "notify_plans_submitted",
    "plan_bulk_review",
    "plan_bulk_submit",
    "promotion_report",
    "research_visit_log",
    "result_adopt",
    "result_create",
    "result_promote",
    "topic_bulk_create",
    "topic_conclude",
    "topic_create",
    "topic_plan_review",
    "topic_plan_submit",
    "topic_problem_create",
    "topic_report_submit",
    "topic_trip_log",
    "trip_bulk_log",
]
