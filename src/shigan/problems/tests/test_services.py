"""The problem services other than the close-out lifecycle: entering and correcting problems,
measures, progress, special programs and rules. Refusals are coded and write nothing."""

import datetime

import pytest

from shigan.accounts.system import system_actor
from shigan.audit.models import AuditEntry
from shigan.campaigns import services as campaigns
from shigan.campaigns.choices import AspectKind
from shigan.core.errors import DomainError
from shigan.metrics.selectors import metric_value
from shigan.orgs.choices import PersonRank, Role
from shigan.orgs.services import person_create
from shigan.problems import services
from shigan.problems.choices import MeasureState, ProblemState, RuleState
from shigan.problems.models import Measure, Problem, ProgressReport, Rule, SpecialProgram

pytestmark = pytest.mark.django_db

D = datetime.date


def test_problem_with_its_first_measure(units, campaign, aspect, editor):
    leader = person_create(
        actor=system_actor("test"), unit=units["own"], name="其木格", rank=PersonRank.COUNTY
    )
    problem = services.problem_create(
        actor=editor,
        unit=units["own"],
        campaign=campaign,
        aspect=aspect,
        title=" 理论学习不深入 ",
        description="学用脱节",
        responsible=leader,
        source="self_inspection",
        found_on=D(2023, 5, 4),
        term="immediate",
        deadline=D(2023, 5, 31),
        first_measure={"text": "制定学习计划", "owner": leader, "deadline": D(2023, 5, 20)},
    )
    assert problem.title == "理论学习不深入" and problem.responsible == leader
    assert problem.term == "immediate" and problem.deadline == D(2023, 5, 31)
    assert problem.state == ProblemState.IN_PROGRESS
    measure = problem.measures.get()
    assert (measure.text, measure.owner, measure.added_on) == (
        "制定学习计划",
        leader,
        D(2023, 5, 4),
    )
    assert list(problem.transitions.values_list("to_state", flat=True)) == ["open", "in_progress"]
    assert AuditEntry.objects.filter(action="problems.problem.created", target_id=str(problem.pk))
    assert (
        metric_value(
            "problems.found", unit=units["parent"], term="immediate", user=system_actor("test")
        )
        == 1
    )
    assert (
        metric_value(
            "problems.self_inspection_measures", unit=units["parent"], user=system_actor("test")
        )
        == 1
    )


@pytest.mark.parametrize(
    ("kwargs", "code"),
    [
        ({"title": " "}, "title_required"),
        ({"source": "rumour"}, "invalid_source"),
        ({"term": "forever"}, "invalid_term"),
        ({"deadline": D(2023, 6, 1), "deadline_workdays": 10}, "deadline_twice"),
        ({"deadline_workdays": 0}, "bad_workdays"),
        ({"first_measure": {"text": ""}}, "text_required"),
    ],
)
def test_bad_problems_are_refused_and_write_nothing(units, campaign, editor, kwargs, code):
    args = {
        "unit": units["own"],
        "campaign": campaign,
        "title": "问题",
        "source": "research",
        "found_on": D(2023, 5, 4),
        **kwargs,
    }
    with pytest.raises(DomainError) as exc:
        services.problem_create(actor=editor, **args)
    assert exc.value.code == code
    assert not Problem.objects.exists() and not Measure.objects.exists()


def test_another_banner_cannot_enter_problems(units, campaign, make_user):
    with pytest.raises(DomainError) as exc:
        services.problem_create(
            actor=make_user(Role.EDITOR, units["sibling"]),
            unit=units["own"],
            title="问题",
            source="research",
            found_on=D(2023, 5, 4),
        )
    assert exc.value.code == "forbidden"


def test_program_of_another_campaign_is_refused(units, campaign, editor):
    other = campaigns.campaign_create(
        actor=system_actor("test"),
        name="另一次",
        root_unit=units["parent"],
        starts_on=D(2023, 1, 1),
    )
    program = services.special_program_create(
        actor=system_actor("test"),
        campaign=other,
        name="整治",
        lead_unit=units["parent"],
        created_on=D(2023, 5, 1),
    )
    with pytest.raises(DomainError) as exc:
        services.problem_create(
            actor=editor,
            unit=units["own"],
            campaign=campaign,
            title="问题",
            source="research",
            found_on=D(2023, 5, 4),
            special_program=program,
        )
    assert exc.value.code == "program_mismatch"


def test_measure_completion(started, editor):
    measure = started.measures.get()
    with pytest.raises(DomainError) as exc:
        services.measure_complete(actor=editor, measure=measure, done_on=D(2023, 5, 1))
    assert exc.value.code == "done_on_too_early"
    services.measure_complete(actor=editor, measure=measure, done_on=D(2023, 5, 25))
    measure.refresh_from_db()
    assert measure.state == MeasureState.DONE and measure.done_on == D(2023, 5, 25)
    with pytest.raises(DomainError) as exc:
        services.measure_complete(actor=editor, measure=measure, done_on=D(2023, 5, 26))
    assert exc.value.code == "already_done"


def test_progress_is_the_latest_reports(problem, editor):
    services.progress_report_add(
        actor=editor, problem=problem, text="过半", percent=60, reported_on=D(2023, 5, 20)
    )
    problem.refresh_from_db()
    assert problem.progress_percent == 60 and problem.state == ProblemState.IN_PROGRESS
    # A late entry of an older report does not set the progress back.
    services.progress_report_add(
        actor=editor, problem=problem, text="起步", percent=20, reported_on=D(2023, 5, 10)
    )
    problem.refresh_from_db()
    assert problem.progress_percent == 60


@pytest.mark.parametrize(
    ("percent", "code"), [(101, "bad_percent"), (-1, "bad_percent"), ("x", "bad_percent")]
)
def test_bad_progress_is_refused(problem, editor, percent, code):
    with pytest.raises(DomainError) as exc:
        services.progress_report_add(
            actor=editor, problem=problem, text="进展", percent=percent, reported_on=D(2023, 5, 9)
        )
    assert exc.value.code == code
    assert not ProgressReport.objects.exists()
    problem.refresh_from_db()
    assert problem.state == ProblemState.OPEN


def test_problem_update(problem, editor, campaign):
    other_aspect = campaigns.aspect_create(
        actor=system_actor("test"), campaign=campaign, kind=AspectKind.PROBLEM, name="作风"
    )
    services.problem_update(
        actor=editor, problem=problem, title="调研不深入", aspect=other_aspect, term="long_term"
    )
    problem.refresh_from_db()
    assert (problem.title, problem.aspect, problem.term) == (
        "调研不深入",
        other_aspect,
        "long_term",
    )
    entry = AuditEntry.objects.get(action="problems.problem.updated")
    assert entry.before["title"] == "调研走过场" and entry.after["title"] == "调研不深入"
    with pytest.raises(DomainError) as exc:
        services.problem_update(actor=editor, problem=problem, unit=None)
    assert exc.value.code == "not_updatable"


def test_set_state_is_for_the_system_only(problem, editor):
    with pytest.raises(DomainError) as exc:
        services.problem_set_state(actor=editor, problem=problem, state="closed")
    assert exc.value.code == "use_lifecycle"


def test_special_programs(units, campaign, editor):
    program = services.special_program_create(
        actor=system_actor("test"),
        campaign=campaign,
        name="整治形式主义为基层减负",
        lead_unit=units["region"],
        plan="方案全文",
        created_on=D(2023, 5, 10),
    )
    with pytest.raises(DomainError) as exc:
        services.special_program_create(
            actor=system_actor("test"),
            campaign=campaign,
            name="整治形式主义为基层减负",
            lead_unit=units["region"],
        )
    assert exc.value.code == "duplicate_name"
    with pytest.raises(DomainError) as exc:
        services.special_program_create(
            actor=editor, campaign=campaign, name="另一项", lead_unit=units["region"]
        )
    assert exc.value.code == "forbidden"
    services.problem_create(
        actor=editor,
        unit=units["own"],
        campaign=campaign,
        title="文山会海",
        source="self_inspection",
        found_on=D(2023, 5, 12),
        special_program=program,
    )
    assert program.problems.count() == 1
    assert SpecialProgram.objects.count() == 1
    assert (
        metric_value(
            "problems.special_programs",
            unit=units["region"],
            campaign=campaign,
            user=system_actor("test"),
        )
        == 1
    )
    assert (
        metric_value(
            "problems.special_programs",
            unit=units["region"],
            campaign=campaign,
            as_of=D(2023, 5, 9),
            user=system_actor("test"),
        )
        == 0
    )


def test_rules_are_drafted_linked_and_issued(units, campaign, problem, editor, make_user):
    rule = services.rule_create(
        actor=editor,
        unit=units["own"],
        title="调研工作规则",
        kind="regulation",
        campaign=campaign,
        problems=[problem],
        created_on=D(2023, 5, 20),
    )
    assert rule.state == RuleState.DRAFTING and list(rule.problems.all()) == [problem]
    services.rule_issue(actor=editor, rule=rule, issued_on=D(2023, 6, 1))
    rule.refresh_from_db()
    assert rule.state == RuleState.ISSUED and rule.issued_on == D(2023, 6, 1)
    with pytest.raises(DomainError) as exc:
        services.rule_issue(actor=editor, rule=rule, issued_on=D(2023, 6, 2))
    assert exc.value.code == "already_issued"
    assert (
        metric_value(
            "problems.rules", unit=units["parent"], state="issued", user=system_actor("test")
        )
        == 1
    )
    assert (
        metric_value(
            "problems.rules", unit=units["parent"], kind="regulation", user=system_actor("test")
        )
        == 1
    )
    services.rule_link_problems(actor=editor, rule=rule, problems=[])
    assert not rule.problems.exists()


def test_a_rule_cannot_claim_problems_outside_its_unit(units, campaign, editor, make_user):
    elsewhere = services.problem_create(
        actor=system_actor("test"),
        unit=units["sibling"],
        campaign=campaign,
        title="别处的问题",
        source="research",
        found_on=D(2023, 5, 4),
    )
    with pytest.raises(DomainError) as exc:
        services.rule_create(
            actor=editor, unit=units["own"], title="规则", kind="mechanism", problems=[elsewhere]
        )
    assert exc.value.code == "problem_outside_unit"
    assert not Rule.objects.exists()


def test_special_program_assign_all_or_nothing(units, campaign, problem, editor, make_user):
    from shigan.problems.tests.conftest import D as day

    program = services.special_program_create(
        actor=system_actor("test"),
        campaign=campaign,
        name="专项",
        lead_unit=units["region"],
        created_on=day(2023, 5, 1),
    )
    elsewhere = services.problem_create(
        actor=system_actor("test"),
        unit=units["sibling"],
        campaign=campaign,
        title="旁旗问题",
        source="research",
        found_on=D(2023, 5, 4),
    )
    with pytest.raises(DomainError) as exc:
        services.special_program_assign(
            actor=editor, program=program, problems=[problem, elsewhere]
        )
    assert exc.value.code == "forbidden" and "旁旗问题" in exc.value.message
    assert not Problem.objects.filter(special_program=program).exists()
    assert services.special_program_assign(actor=editor, program=program, problems=[problem]) == 1
    assert services.special_program_assign(actor=editor, program=program, problems=[problem]) == 0
    assert (
        AuditEntry.objects.filter(
            action="problems.problem.updated", target_id=str(problem.pk)
        ).count()
        == 1
    )


def test_evidence_add_many_checks_every_file_first(started, editor):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from shigan.problems.models import Evidence
    from shigan.problems.tests.conftest import PNG_BYTES, pdf

    bad = SimpleUploadedFile("照片.pdf", PNG_BYTES)
    with pytest.raises(DomainError) as exc:
        services.evidence_add_many(actor=editor, problem=started, files=[pdf(), bad])
    assert exc.value.code == "evidence_type_mismatch"
    assert not Evidence.objects.exists()
    with pytest.raises(DomainError) as exc:
        services.evidence_add_many(actor=editor, problem=started, files=[])
    assert exc.value.code == "files_required"
    stored = services.evidence_add_many(
        actor=editor, problem=started, files=[pdf(), SimpleUploadedFile("照片.png", PNG_BYTES)]
    )
    assert [e.original_name for e in stored] == ["整改报告.pdf", "照片.png"]
