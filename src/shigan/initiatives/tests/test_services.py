"""Services: what each write checks, what it writes (transitions, audit, figures), and who may
write it; reads: who sees which key tasks, projects and items."""

import datetime
from decimal import Decimal

import pytest

from shigan.accounts.system import system_actor
from shigan.audit.models import AuditEntry
from shigan.campaigns.services import campaign_create
from shigan.core.errors import DomainError
from shigan.initiatives import selectors
from shigan.initiatives.models import KeyTask, LivelihoodItem, Milestone, Project
from shigan.initiatives.services import key_tasks, livelihood, milestones, projects
from shigan.metrics.selectors import metric_value
from shigan.orgs.choices import Role
from shigan.research import services as research
from shigan.research.models import ResearchResult

pytestmark = pytest.mark.django_db

D = datetime.date


def refused(code, call, **kwargs):
    with pytest.raises(DomainError) as error:
        call(**kwargs)
    assert error.value.code == code, error.value.message
    return error.value


def test_key_task_creation_writes_audit_and_figures(task, units, campaign):
    assert task.roadmap_steps() == ["摸清底数", "制定方案", "组织实施"]
    assert AuditEntry.objects.filter(action="initiatives.key_task.created").count() == 1
    assert (
        metric_value(
            "initiatives.key_tasks", unit=units["parent"], area="ecology", user=system_actor("test")
        )
        == 1
    )
    assert [m.title for m in task.milestones.order_by("ordinal")] == ["摸清底数", "完成修复"]


def test_key_task_rules(editor, campaign, units, task, make_user):
    refused(
        "duplicate_title",
        key_tasks.key_task_create,
        actor=editor,
        campaign=campaign,
        unit=units["own"],
        area="ecology",
        title="草原生态保护修复",
    )
    refused(
        "forbidden",
        key_tasks.key_task_create,
        actor=editor,
        campaign=campaign,
        unit=units["sibling"],
        area="ecology",
        title="别处的任务",
    )
    refused(
        "invalid_area",
        key_tasks.key_task_create,
        actor=editor,
        campaign=campaign,
        unit=units["own"],
        area="space",
        title="新任务",
    )
    other = campaign_create(
        actor=system_actor("test"),
        name="别的活动",
        root_unit=units["unrelated"],
        starts_on=D(2023, 4, 1),
    )
    refused(
        "unit_outside_campaign",
        key_tasks.key_task_create,
        actor=system_actor("test"),
        campaign=other,
        unit=units["own"],
        area="ecology",
        title="范围外",
    )


def test_changing_the_area_moves_the_projects_funds(task, editor, units):
    projects.project_create(
        actor=editor,
        campaign=task.campaign,
        unit=units["own"],
        key_task=task,
        name="围栏",
        kind="ecology",
        funds_allocated=Decimal("1000000"),
        approved_on=D(2023, 5, 1),
    )
    key_tasks.key_task_update(actor=editor, key_task=task, area="border_security")
    funds = "initiatives.project_funds"
    assert metric_value(funds, unit=units["parent"], area="ecology", user=system_actor("test")) == 0
    assert metric_value(
        funds, unit=units["parent"], area="border_security", user=system_actor("test")
    ) == Decimal("1000000")
    assert Project.objects.get().area == "border_security"
    assert (
        metric_value(
            "initiatives.key_tasks",
            unit=units["own"],
            area="border_security",
            user=system_actor("test"),
        )
        == 1
    )


def test_milestone_dates_follow_the_working_day_calendar(task, editor):
    refused(
        "due_on_rest_day",
        milestones.milestone_add,
        actor=editor,
        key_task=task,
        title="国庆",
        due_on=D(2023, 10, 2),
    )
    # 2023-10-07 is a Saturday made a working day (调休上班).
    made_up = milestones.milestone_add(
        actor=editor, key_task=task, title="调休", due_on=D(2023, 10, 7)
    )
    assert made_up.due_on == D(2023, 10, 7)
    refused(
        "due_before_start",
        milestones.milestone_add,
        actor=editor,
        key_task=task,
        title="早",
        due_on=D(2023, 3, 1),
    )
    refused(
        "invalid_weight",
        milestones.milestone_add,
        actor=editor,
        key_task=task,
        title="权重",
        weight=0,
    )
    undated = milestones.milestone_add(actor=editor, key_task=task, title="时限未定的节点")
    assert undated.due_on is None and undated.ordinal == 4


def test_completing_a_milestone_late_is_recorded_as_late(task, editor):
    first = task.milestones.get(title="摸清底数")
    refused(
        "future_date",
        milestones.milestone_complete,
        actor=editor,
        milestone=first,
        done_on=D(2999, 1, 1),
    )
    milestones.milestone_complete(
        actor=editor, milestone=first, done_on=D(2023, 5, 12), note="已摸清"
    )
    first.refresh_from_db()
    assert first.state == "done" and first.is_late()
    assert first.transitions.order_by("pk").last().comment == "逾期完成"
    refused("already_done", milestones.milestone_complete, actor=editor, milestone=first)
    milestones.milestone_reopen(
        actor=editor, milestone=first, reason="材料不全", day=D(2023, 5, 13)
    )
    first.refresh_from_db()
    assert first.state == "pending" and first.done_on is None
    assert [t.to_state for t in first.transitions.order_by("pk")] == ["pending", "done", "pending"]


def test_who_keeps_the_timetable(task, units, make_user, campaign):
    sibling = make_user(Role.EDITOR, units["sibling"])
    viewer = make_user(Role.VIEWER, units["own"])
    milestone = task.milestones.first()
    for user in (sibling, viewer):
        refused(
            "forbidden",
            milestones.milestone_complete,
            actor=user,
            milestone=milestone,
            done_on=D(2023, 5, 1),
        )
    # The lead unit's editors keep it too.
    key_tasks.key_task_update(actor=system_actor("test"), key_task=task, owner_unit=units["child"])
    child_editor = make_user(Role.EDITOR, units["child"])
    milestones.milestone_complete(actor=child_editor, milestone=milestone, done_on=D(2023, 5, 1))


def test_project_funds_are_validated(task, editor, units):
    base = {
        "actor": editor,
        "campaign": task.campaign,
        "unit": units["own"],
        "key_task": task,
        "name": "项目",
        "kind": "ecology",
    }
    refused("negative_amount", projects.project_create, **base, funds_allocated=Decimal("-1"))
    refused("inexact_amount", projects.project_create, **base, funds_allocated=19370000000.0)
    refused("amount_precision", projects.project_create, **base, funds_allocated=Decimal("0.001"))
    refused("amount_too_big", projects.project_create, **base, funds_allocated=Decimal("1E+13"))
    refused(
        "disbursed_exceeds",
        projects.project_create,
        **base,
        funds_allocated=Decimal("10"),
        funds_disbursed=Decimal("11"),
    )
    refused(
        "unit_outside_key_task",
        projects.project_create,
        **{**base, "unit": units["sibling"], "actor": system_actor("test")},
    )
    assert not Project.objects.exists()
    project = projects.project_create(
        **base, funds_allocated="19370000000", approved_on=D(2023, 5, 1)
    )
    assert project.funds_allocated == Decimal("19370000000.00") and project.area == "ecology"
    project.refresh_from_db()
    assert project.funds_allocated == Decimal("19370000000.00")


def test_a_banner_serves_the_regions_key_task(region_task, editor, units, campaign, make_user):
    # The banner editor sees the region's task (it serves it) and adds a project under it.
    assert selectors.key_task_get(user=editor, pk=region_task.pk) == region_task
    project = projects.project_create(
        actor=editor,
        campaign=campaign,
        unit=units["own"],
        key_task=region_task,
        name="边境抵边村建设",
        kind="security",
        funds_allocated=Decimal("19370000000"),
        approved_on=D(2023, 5, 2),
    )
    assert metric_value(
        "initiatives.project_funds",
        unit=units["region"],
        area="border_security",
        user=system_actor("test"),
    ) == Decimal("19370000000")
    # …but not the projects of another banner under the same task.
    projects.project_create(
        actor=system_actor("test"),
        campaign=campaign,
        unit=units["sibling"],
        key_task=region_task,
        name="邻旗项目",
        kind="security",
        funds_allocated=Decimal("1"),
    )
    detail = selectors.key_task_detail(user=editor, pk=region_task.pk)
    assert detail.visible_projects == [project]
    # …and it may not change the region's task or its timetable.
    refused("forbidden", milestones.milestone_add, actor=editor, key_task=region_task, title="节点")
    # An unrelated city's editor sees the region's task too, not the banner's.
    ordos = make_user(Role.EDITOR, units["unrelated"])
    visible = set(KeyTask.objects.restrict(ordos, "view").values_list("title", flat=True))
    assert visible == {"筑牢祖国北疆安全稳定屏障"}
    assert not Project.objects.restrict(ordos, "view").exists()
    assert not KeyTask.objects.restrict(ordos, "record").exists()


def test_project_state_changes_write_transitions(task, editor, units):
    project = projects.project_create(
        actor=editor,
        campaign=task.campaign,
        unit=units["own"],
        key_task=task,
        name="P",
        kind="ecology",
    )
    projects.project_set_state(actor=editor, project=project, state="under_way", day=D(2023, 5, 2))
    projects.project_set_state(actor=editor, project=project, state="done", day=D(2023, 6, 2))
    project.refresh_from_db()
    assert (project.started_on, project.finished_on) == (D(2023, 5, 2), D(2023, 6, 2))
    refused(
        "comment_required",
        projects.project_set_state,
        actor=editor,
        project=project,
        state="planned",
    )
    assert [t.to_state for t in project.transitions.order_by("pk")] == [
        "planned",
        "under_way",
        "done",
    ]


def test_linking_a_research_result(task, editor, units, campaign, make_user):
    from shigan.campaigns.services import aspect_create
    from shigan.research.models import ResearchTopic

    aspect = aspect_create(
        actor=system_actor("test"), campaign=campaign, kind="research", name="生态"
    )
    topic = ResearchTopic.objects.create(
        unit=units["own"],
        campaign=campaign,
        aspect=aspect,
        title="草原调研",
        lead=task.owner_leader,
        state="researching",
        created_on=D(2023, 4, 5),
    )
    result = research.result_create(
        actor=system_actor("test"), topic=topic, kind="measure", title="草畜平衡奖补"
    )
    key_tasks.key_task_link_result(actor=editor, key_task=task, result=result)
    assert list(task.results.all()) == [result]
    assert list(result.key_tasks.all()) == [task]
    assert selectors.result_choices(user=editor, key_task=task).count() == 0
    sibling_topic = ResearchTopic.objects.create(
        unit=units["sibling"],
        campaign=campaign,
        aspect=aspect,
        title="邻旗调研",
        lead=task.owner_leader,
        state="researching",
        created_on=D(2023, 4, 5),
    )
    hidden = research.result_create(
        actor=system_actor("test"), topic=sibling_topic, kind="measure", title="邻旗成果"
    )
    refused(
        "unknown_result", key_tasks.key_task_link_result, actor=editor, key_task=task, result=hidden
    )
    key_tasks.key_task_unlink_result(actor=editor, key_task=task, result=result)
    assert not task.results.exists() and ResearchResult.objects.count() == 2


def test_the_livelihood_list_keeps_the_offices_order(office, campaign, units, editor):
    employment = livelihood.livelihood_area_create(actor=office, campaign=campaign, name="就业")
    health = livelihood.livelihood_area_create(actor=office, campaign=campaign, name="医疗")
    refused(
        "forbidden", livelihood.livelihood_area_create, actor=editor, campaign=campaign, name="教育"
    )
    refused(
        "duplicate_name",
        livelihood.livelihood_area_create,
        actor=office,
        campaign=campaign,
        name="就业",
    )
    items = [
        livelihood.livelihood_item_create(
            actor=office,
            campaign=campaign,
            area=area,
            title=title,
            unit=units["own"],
            listed_on=D(2023, 5, 1),
        )
        for area, title in (
            (employment, "高校毕业生就业"),
            (health, "旗医院扩建"),
            (employment, "牧民转移就业"),
        )
    ]
    assert [i.number for i in items] == [1, 2, 3]
    livelihood.livelihood_item_move(actor=office, item=items[2], number=1)
    ledger = selectors.livelihood_ledger(user=editor, unit=units["own"], campaign=campaign)
    assert [(i.number, i.title) for i in ledger] == [
        (1, "牧民转移就业"),
        (2, "高校毕业生就业"),
        (3, "旗医院扩建"),
    ]
    refused(
        "invalid_number", livelihood.livelihood_item_move, actor=office, item=items[0], number=9
    )
    assert selectors.livelihood_areas(campaign=campaign).value == 2
    assert (
        metric_value(
            "initiatives.livelihood_items",
            unit=units["region"],
            campaign=campaign,
            user=system_actor("test"),
        )
        == 3
    )
    assert (
        metric_value(
            "initiatives.livelihood_items",
            unit=units["region"],
            area=employment.pk,
            user=system_actor("test"),
        )
        == 2
    )


def test_progress_reports_move_the_item_along(office, campaign, units, editor, make_user):
    area = livelihood.livelihood_area_create(actor=office, campaign=campaign, name="教育")
    item = livelihood.livelihood_item_create(
        actor=office, campaign=campaign, area=area, title="新建幼儿园", unit=units["own"]
    )
    livelihood.livelihood_progress_report(
        actor=editor, item=item, text="已开工", percent=40, reported_on=D(2023, 5, 3)
    )
    item.refresh_from_db()
    assert (item.state, item.progress_percent) == ("under_way", 40)
    livelihood.livelihood_progress_report(
        actor=editor, item=item, text="已建成", percent=100, reported_on=D(2023, 6, 3)
    )
    item.refresh_from_db()
    assert item.state == "done"
    assert [t.to_state for t in item.transitions.order_by("pk")] == ["planned", "under_way", "done"]
    sibling = make_user(Role.EDITOR, units["sibling"])
    refused(
        "forbidden",
        livelihood.livelihood_progress_report,
        actor=sibling,
        item=item,
        text="x",
        percent=1,
    )
    assert LivelihoodItem.objects.restrict(sibling, "view").count() == 0


def test_every_write_is_audited(task, editor, units):
    project = projects.project_create(
        actor=editor,
        campaign=task.campaign,
        unit=units["own"],
        key_task=task,
        name="审计",
        kind="ecology",
        funds_allocated=Decimal("5"),
    )
    projects.project_update(actor=editor, project=project, funds_allocated=Decimal("7.50"))
    entry = AuditEntry.objects.filter(action="initiatives.project.updated").get()
    assert entry.before["funds_allocated"] == "5.00" and entry.after["funds_allocated"] == "7.50"
    milestones.milestone_complete(
        actor=editor, milestone=Milestone.objects.first(), done_on=D(2023, 5, 5)
    )
    assert AuditEntry.objects.filter(action="initiatives.milestone.completed").exists()


def test_linking_a_rule(task, editor, units, campaign, make_user):
    from shigan.problems.services import rule_create

    rule = rule_create(
        actor=system_actor("test"),
        unit=units["own"],
        title="草畜平衡管理办法",
        kind="regulation",
        campaign=campaign,
    )
    key_tasks.key_task_link_rule(actor=editor, key_task=task, rule=rule)
    assert list(task.rules.all()) == [rule] and list(rule.key_tasks.all()) == [task]
    assert selectors.rule_choices(user=editor, key_task=task).count() == 0
    elsewhere = rule_create(
        actor=system_actor("test"),
        unit=units["sibling"],
        title="邻旗制度",
        kind="mechanism",
        campaign=campaign,
    )
    refused(
        "unknown_rule", key_tasks.key_task_link_rule, actor=editor, key_task=task, rule=elsewhere
    )
    other = campaign_create(
        actor=system_actor("test"),
        name="别的活动",
        root_unit=units["region"],
        starts_on=D(2023, 1, 1),
    )
    foreign = rule_create(
        actor=system_actor("test"),
        unit=units["own"],
        title="别的活动的制度",
        kind="decision",
        campaign=other,
    )
    refused(
        "campaign_mismatch", key_tasks.key_task_link_rule, actor=editor, key_task=task, rule=foreign
    )
    outsider = make_user(Role.VIEWER, units["own"])
    refused("forbidden", key_tasks.key_task_link_rule, actor=outsider, key_task=task, rule=rule)
    key_tasks.key_task_unlink_rule(actor=editor, key_task=task, rule=rule)
    assert not task.rules.exists()
    assert AuditEntry.objects.filter(action="initiatives.key_task.rule_unlinked").count() == 1
