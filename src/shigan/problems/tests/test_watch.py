"""The deadline watch: lights on working days around the 2023 National Day holidays
(2023-09-29 … 10-06 off; Saturday 10-07 and Sunday 10-08 are make-up working days), the daily
run that marks them, and the notifications it sends."""

import datetime

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from shigan.accounts.system import system_actor
from shigan.audit.models import AuditEntry
from shigan.core.calendar import add_workdays
from shigan.metrics.selectors import metric_records, metric_value
from shigan.notifications.models import Notification
from shigan.notifications.watch import watch_run, watchers
from shigan.orgs.choices import PersonRank, Role
from shigan.orgs.services import person_create
from shigan.problems import services
from shigan.problems.choices import Light
from shigan.problems.models import Problem
from shigan.problems.tests.conftest import pdf, unfinished
from shigan.problems.watch import light_for, problems_watch

pytestmark = pytest.mark.django_db

D = datetime.date


@pytest.fixture
def make_problem(units, campaign, editor, calendar):
    def make(*, deadline, found_on=None, percent=None, **kwargs):
        found_on = found_on or D(2023, 9, 1)
        problem = services.problem_create(
            actor=editor,
            unit=units["own"],
            campaign=campaign,
            title=kwargs.pop("title", "问题"),
            source="self_inspection",
            found_on=found_on,
            deadline=deadline,
            **kwargs,
        )
        if percent is not None:
            services.progress_report_add(
                actor=editor, problem=problem, text="进展", percent=percent, reported_on=found_on
            )
            problem.refresh_from_db()
        return problem

    return make


@pytest.mark.parametrize(
    ("deadline", "today", "percent", "light"),
    [
        # 12 calendar days away but 4 working days (09-28, 10-07, 10-08, 10-09): lagging → yellow
        (D(2023, 10, 9), D(2023, 9, 27), 30, Light.YELLOW),
        # … on track (100 %) → green
        (D(2023, 10, 9), D(2023, 9, 27), 100, Light.GREEN),
        # 14 calendar days, 6 working days away: not yet within 5 → green
        (D(2023, 10, 11), D(2023, 9, 27), 30, Light.GREEN),
        # the next day it is 5 working days away → yellow
        (D(2023, 10, 11), D(2023, 9, 28), 30, Light.YELLOW),
        # a whole holiday week later the deadline is still 4 working days off
        (D(2023, 10, 11), D(2023, 10, 6), 30, Light.YELLOW),
        # the deadline day itself is not overdue yet
        (D(2023, 10, 9), D(2023, 10, 9), 30, Light.YELLOW),
        # a deadline that fell in the holiday week, seen during it → red
        (D(2023, 9, 28), D(2023, 10, 1), 30, Light.RED),
        (D(2023, 10, 9), D(2023, 10, 10), 100, Light.RED),
        # far away on the calendar and on working days → green
        (D(2023, 11, 30), D(2023, 9, 27), 0, Light.GREEN),
    ],
)
def test_light_around_national_day_2023(make_problem, deadline, today, percent, light):
    problem = make_problem(deadline=deadline, percent=percent)
    assert light_for(problem, today) == light
    problems_watch(today)
    problem.refresh_from_db()
    assert problem.light == light


def test_calendar_days_would_get_it_wrong(calendar):
    # The point of the working-day calendar: 12 calendar days, 4 working days.
    assert (D(2023, 10, 9) - D(2023, 9, 27)).days == 12
    assert add_workdays(D(2023, 9, 27), 4) == D(2023, 10, 9)


def test_deadline_in_working_days_from_found_on(make_problem):
    problem = make_problem(deadline=None, found_on=D(2023, 9, 27), deadline_workdays=5)
    # 09-28, 10-07, 10-08, 10-09, 10-10
    assert problem.deadline == D(2023, 10, 10)
    assert problem.deadline_workdays == 5


def test_daily_watch_marks_notifies_and_counts(make_problem, units, editor, make_user):
    leader = make_user()
    responsible = person_create(
        actor=system_actor("test"),
        unit=units["own"],
        name="巴特尔",
        rank=PersonRank.COUNTY,
        user=leader,
    )
    yellow = make_problem(
        deadline=D(2023, 10, 9), percent=30, title="会议过多", responsible=responsible
    )
    red = make_problem(deadline=D(2023, 9, 28), percent=30, title="调研走过场")
    green = make_problem(deadline=D(2023, 11, 30), percent=30, title="长远问题")
    outsider = make_user(Role.EDITOR, units["sibling"])
    # Entered today, long after their 2023 deadlines: all red. As of 2023-09-19 all green
    # (the nearest deadline is 7 working days off).
    assert {p.light for p in Problem.objects.all()} == {Light.RED}
    assert problems_watch(D(2023, 9, 19)) == 0  # turning green is marked, not counted
    assert {p.light for p in Problem.objects.all()} == {Light.GREEN}
    Notification.objects.all().delete()

    assert problems_watch(D(2023, 9, 27)) == 2  # both near their deadlines and lagging
    assert problems_watch(D(2023, 10, 1)) == 1  # one overdue (the yellow stays: not counted)
    for p in (yellow, red, green):
        p.refresh_from_db()
    assert (yellow.light, red.light, green.light) == (Light.YELLOW, Light.RED, Light.GREEN)
    assert red.light_on == D(2023, 10, 1)
    # Re-running the same day changes nothing.
    assert problems_watch(D(2023, 10, 1)) == 0

    texts = dict(Notification.objects.values_list("user__username", "kind").distinct())
    assert leader.username in texts  # the responsible leader's account
    mine = Notification.objects.filter(user=editor).order_by("pk")
    assert [(n.kind, n.text.split("”")[0]) for n in mine] == [
        ("problems.light.yellow", "问题“会议过多"),
        ("problems.light.yellow", "问题“调研走过场"),
        ("problems.light.red", "问题“调研走过场"),
    ]
    assert "2023-10-09" in mine[0].text and "逾期" in mine[2].text
    assert not Notification.objects.filter(user=outsider).exists()
    assert AuditEntry.objects.filter(action="problems.light.changed").count() == 3 + 2 + 1

    league = dict(unit=units["parent"], campaign=yellow.campaign)
    assert metric_value("problems.overdue", **league, user=system_actor("test")) == 1
    assert [
        p.pk for p in metric_records("problems.overdue", **league, user=system_actor("test"))
    ] == [red.pk]
    assert metric_value("problems.found", light="yellow", **league, user=system_actor("test")) == 1
    assert (
        metric_value("problems.self_inspection", light="red", **league, user=system_actor("test"))
        == 1
    )


def test_progress_catching_up_turns_the_light_green(units, campaign, editor, calendar):
    today = timezone.localdate()
    problem = services.problem_create(
        actor=editor,
        unit=units["own"],
        campaign=campaign,
        title="进度滞后",
        source="self_inspection",
        found_on=today - datetime.timedelta(days=40),
        deadline=add_workdays(today, 2),
        first_measure={"text": "整改"},
    )
    assert problem.light == Light.YELLOW  # computed as of today when it is entered
    services.progress_report_add(
        actor=editor, problem=problem, text="全部完成", percent=100, reported_on=today
    )
    problem.refresh_from_db()
    assert problem.light == Light.GREEN and problem.progress_percent == 100


def test_closing_a_red_problem_takes_it_off_the_overdue_count(
    make_problem, editor, reviewer, units
):
    problem = make_problem(deadline=D(2023, 9, 28), percent=30)
    problems_watch(D(2023, 10, 1))
    assert metric_value("problems.overdue", unit=units["own"], user=system_actor("test")) == 1
    closeout = services.closeout_submit(
        actor=editor,
        problem=problem,
        finish=unfinished(problem),
        summary="完成",
        submitted_on=D(2023, 10, 9),
        files=[pdf()],
    )
    problem.refresh_from_db()
    assert problem.light == Light.RED  # submitted after the deadline: stays red under review
    services.closeout_decide(
        actor=reviewer, closeout=closeout, accept=True, decided_on=D(2023, 10, 10)
    )
    problem.refresh_from_db()
    assert (
        problem.light == ""
        and metric_value("problems.overdue", unit=units["own"], user=system_actor("test")) == 0
    )


def test_an_approved_extension_turns_red_back(make_problem, editor, reviewer):
    problem = make_problem(deadline=D(2023, 9, 28), percent=30)
    problems_watch(D(2023, 10, 1))
    extension = services.extension_request(
        actor=editor,
        problem=problem,
        new_deadline=D(2023, 12, 29),
        reason="跨部门协调",
        requested_on=D(2023, 10, 7),
    )
    services.extension_decide(
        actor=reviewer, extension=extension, approve=True, decided_on=D(2023, 10, 8)
    )
    problems_watch(D(2023, 10, 9))
    problem.refresh_from_db()
    assert problem.deadline == D(2023, 12, 29) and problem.light == Light.GREEN


def test_long_term_problem_watches_its_next_checkpoint(make_problem, editor, reviewer):
    problem = make_problem(deadline=None, term="long_term", percent=100)
    closeout = services.closeout_submit(
        actor=editor,
        problem=problem,
        finish=unfinished(problem),
        summary="阶段完成",
        submitted_on=D(2023, 9, 5),
        files=[pdf()],
    )
    services.closeout_decide(
        actor=reviewer,
        closeout=closeout,
        accept=True,
        decided_on=D(2023, 9, 6),
        next_checkpoint=D(2023, 9, 28),
    )
    problems_watch(D(2023, 10, 1))
    problem.refresh_from_db()
    assert problem.light == Light.RED


def test_watch_registry_command_and_email(
    make_problem, editor, settings, django_capture_on_commit_callbacks
):
    settings.EMAIL_HOST = "smtp.example.invalid"
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    editor.email = "editor@example.invalid"
    editor.save(update_fields=["email"])
    make_problem(deadline=D(2023, 9, 28), percent=30, title="逾期问题")
    assert "problems" in watchers()
    report = watch_run(D(2023, 9, 20), only="problems")
    assert report.marked == {"problems": 0} and not report.failed
    with django_capture_on_commit_callbacks(execute=True):  # mail goes once committed
        call_command("watch", "--date", "2023-10-01", "--only", "problems")
    assert Problem.objects.get().light == Light.RED
    assert any("逾期问题" in m.body and m.to == ["editor@example.invalid"] for m in mail.outbox)
