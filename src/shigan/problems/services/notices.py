"""Notices the problem services send: to the people named on a record, and to the reviewers
of problems (one notice per reviewer however many of the problems are theirs)."""

from collections.abc import Sequence

from django.urls import NoReverseMatch, reverse

from shigan.notifications.rules import Role as NoticeRole
from shigan.notifications.services import notification_send
from shigan.problems.models import Problem
from shigan.problems.permissions import reviewers_of


def notify(recipients, *, kind: str, text: str, link: str = "") -> None:
    recipients = [u for u in recipients if u is not None and getattr(u, "pk", None)]
    if recipients:
        notification_send(recipients=recipients, kind=kind, text=text, link=link)


def problem_link(problem: Problem) -> str:
    try:
        return problem.get_absolute_url()
    except NoReverseMatch:  # the ledger pages are not mounted (e.g. a headless deployment)
        return ""


def notify_reviewers(problems: Sequence[Problem], *, kind: str, text, link) -> None:
    """Tell each problem's reviewers (`reviewers_of`) what waits for them: one notice per
    reviewer per call, however many of the problems are theirs. `text(problems)` and
    `link(problems)` word it for the reviewer's own problems."""
    mine: dict[int, list[int]] = {}
    for problem_id, users in reviewers_of(problems).items():
        for user_id in users:
            mine.setdefault(user_id, []).append(problem_id)
    by_pk = {p.pk: p for p in problems}
    for user_id, ids in mine.items():
        theirs = [by_pk[pk] for pk in ids]
        notification_send(
            recipients=[user_id],
            kind=kind,
            text=text(theirs),
            link=link(theirs),
            role=NoticeRole.REVIEWER,
        )


def inbox_link() -> str:
    try:
        return reverse("problems:inbox")
    except NoReverseMatch:
        return ""
