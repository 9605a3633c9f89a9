"""Pages: the permission matrix (role × place × page → status), the flows through the forms,
what the board and the key-task page show, query counts pinned on the lists."""

import datetime
import io
from decimal import Decimal

import pytest
from django.urls import reverse

from shigan.accounts.system import system_actor
from shigan.initiatives.models import Project
from shigan.initiatives.services import key_tasks, livelihood, milestones, projects
from shigan.orgs.choices import Role

pytestmark = pytest.mark.django_db

D = datetime.date


@pytest.fixture
def actors(units, make_user, editor, office):
    return {
        "editor": editor,
        "viewer": make_user(Role.VIEWER, units["own"]),
        "league_leader": make_user(Role.LEADER, units["parent"]),
        "sibling_editor": make_user(Role.EDITOR, units["sibling"]),
        "office": office,
    }


def _status(client, user, url, method="get", data=None):
    client.force_login(user)
    return getattr(client, method)(url, data or {}).status_code


@pytest.mark.parametrize(
    ("who", "board", "detail", "add_milestone", "add_project", "project_page", "ledger"),
    [
        ("editor", 200, 200, 200, 200, 200, 200),
        ("viewer", 200, 200, 403, 403, 200, 200),
        ("league_leader", 200, 200, 200, 200, 200, 200),
        ("sibling_editor", 404, 404, 404, 404, 404, 404),
        ("office", 200, 200, 200, 200, 200, 200),
    ],
)
def test_permission_matrix(
    client,
    actors,
    task,
    project,
    units,
    campaign,
    who,
    board,
    detail,
    add_milestone,
    add_project,
    project_page,
    ledger,
):
    user, own, q = actors[who], units["own"], f"?campaign={campaign.pk}"
    assert _status(client, user, reverse("initiatives:board", args=[own.pk]) + q) == board
    assert _status(client, user, task.get_absolute_url()) == detail
    url = reverse("initiatives:milestone_create", args=[task.pk])
    assert _status(client, user, url) == add_milestone
    url = reverse("initiatives:milestone_complete", args=[task.milestones.first().pk])
    assert _status(client, user, url) == add_milestone
    url = reverse("initiatives:task_project_create", args=[task.pk])
    assert _status(client, user, url) == add_project
    assert _status(client, user, project.get_absolute_url()) == project_page
    assert _status(client, user, reverse("initiatives:livelihood", args=[own.pk]) + q) == ledger


def test_a_viewer_cannot_change_funds_by_posting(client, actors, project):
    client.force_login(actors["viewer"])
    response = client.post(project.get_absolute_url(), {"funds_allocated": "1"})
    assert response.status_code == 403
    project.refresh_from_db()
    assert project.funds_allocated == Decimal("150000000.00")


def test_flow_add_project_complete_milestone_and_the_board_follows(
    client, editor, task, units, campaign, make_user
):
    client.force_login(editor)
    response = client.post(
        reverse("initiatives:task_project_create", args=[task.pk]),
        {
            "name": "退化草原修复",
            "unit": units["own"].pk,
            "key_task": task.pk,
            "kind": "ecology",
            "fund_source": "central",
            "funds_allocated": "1.5亿元",
            "approved_on": "2023-05-02",
        },
    )
    assert response.status_code == 302, response.content.decode()
    assert Project.objects.get().funds_allocated == Decimal("150000000.00")
    milestone = task.milestones.get(title="摸清底数")
    response = client.post(
        reverse("initiatives:milestone_complete", args=[milestone.pk]),
        {"done_on": "2023-05-09", "note": "完成普查"},
    )
    assert response.status_code == 302
    client.force_login(make_user(Role.LEADER, units["parent"]))
    board = client.get(
        reverse("initiatives:board", args=[units["parent"].pk]),
        {"campaign": campaign.pk, "on": "2023-06-07"},
    ).content.decode()
    assert 'aria-valuenow="50"' in board and "1.5亿元" in board and "草原生态保护修复" in board
    assert 'title="150,000,000.00元"' in board
    page = client.get(task.get_absolute_url(), {"on": "2023-06-07"}).content.decode()
    assert "完成普查" in page and "退化草原修复" in page and 'id="gantt"' in page
    assert 'title="150,000,000.00元">1.5亿元' in page  # the projects' total, exact on hover


def test_bad_funds_in_the_form_name_the_field(client, editor, task, units):
    client.force_login(editor)
    response = client.post(
        reverse("initiatives:task_project_create", args=[task.pk]),
        {
            "name": "负数",
            "unit": units["own"].pk,
            "kind": "ecology",
            "fund_source": "other",
            "funds_allocated": "-5万元",
            "approved_on": "2023-05-02",
        },
    )
    assert response.status_code == 400
    assert "安排资金：“-5万元”是负数" in response.content.decode()
    assert not Project.objects.exists()


def test_overdue_milestones_are_red_on_the_board(client, editor, task, units, campaign):
    client.force_login(editor)
    board = client.get(
        reverse("initiatives:board", args=[units["own"].pk]),
        {"campaign": campaign.pk, "on": "2023-06-07"},
    ).content.decode()
    assert 'class="task-card has-overdue"' in board
    assert '<li class="overdue">逾期：摸清底数（5月10日）</li>' in board
    earlier = client.get(
        reverse("initiatives:board", args=[units["own"].pk]),
        {"campaign": campaign.pk, "on": "2023-05-01"},
    ).content.decode()
    assert "has-overdue" not in earlier


def test_timetable_json_feeds_the_gantt_strip(client, editor, task):
    first = task.milestones.get(title="摸清底数")
    milestones.milestone_complete(actor=editor, milestone=first, done_on=D(2023, 5, 15))
    client.force_login(editor)
    data = client.get(reverse("initiatives:timetable", args=[task.pk]), {"on": "2023-06-07"}).json()
    assert data["percent"] == 50
    assert [(m["title"], m["start"], m["due_on"], m["status"]) for m in data["milestones"]] == [
        ("摸清底数", "2023-04-03", "2023-05-10", "late"),
        ("完成修复", "2023-05-10", "2023-09-28", "pending"),
    ]


def test_linking_a_result_shows_what_fed_the_task(client, editor, task, units, campaign):
    from shigan.campaigns.services import aspect_create
    from shigan.research import services as research
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
    client.force_login(editor)
    client.post(reverse("initiatives:link_result", args=[task.pk]), {"item": result.pk})
    page = client.get(task.get_absolute_url()).content.decode()
    assert "草畜平衡奖补" in page and "草原调研" in page


def test_livelihood_pages(client, office, editor, campaign, units):
    client.force_login(office)
    region = units["region"]
    q = f"?campaign={campaign.pk}"
    client.post(
        reverse("initiatives:livelihood_area_create", args=[region.pk]) + q, {"name": "就业"}
    )
    area = campaign.livelihood_areas.get()
    response = client.post(
        reverse("initiatives:livelihood_item_create", args=[region.pk]) + q,
        {"title": "高校毕业生就业", "area": area.pk, "unit": region.pk, "listed_on": "2023-05-01"},
    )
    assert response.status_code == 302
    page = client.get(reverse("initiatives:livelihood", args=[region.pk]) + q).content.decode()
    assert "高校毕业生就业" in page and "1 个方面" in page
    client.force_login(editor)
    response = client.get(reverse("initiatives:livelihood_item_create", args=[units["own"].pk]) + q)
    assert response.status_code == 403


def test_lists_have_pinned_query_counts(
    client, editor, task, project, units, campaign, django_assert_max_num_queries
):
    client.force_login(editor)
    board_url = reverse("initiatives:board", args=[units["own"].pk])
    projects_url = reverse("initiatives:projects", args=[units["own"].pk])
    client.get(board_url, {"campaign": campaign.pk})  # warm the session

    def counts():
        with django_assert_max_num_queries(40) as board:
            client.get(board_url, {"campaign": campaign.pk})
        with django_assert_max_num_queries(20) as projects:
            client.get(projects_url, {"campaign": campaign.pk})
        return len(board.captured_queries), len(projects.captured_queries)

    before = counts()
    for i in range(12):
        more = key_tasks.key_task_create(
            actor=editor,
            campaign=campaign,
            unit=units["grandchild"],
            area="energy",
            title=f"任务{i}",
        )
        milestones.milestone_add(actor=editor, key_task=more, title="节点", due_on=D(2023, 5, 10))
        projects.project_create(
            actor=editor,
            campaign=campaign,
            unit=units["grandchild"],
            key_task=more,
            name=f"项目{i}",
            kind="energy",
            funds_allocated=Decimal("1.01"),
        )
    assert counts() == before  # nothing per key task, milestone or project


def test_the_nav_link_opens_the_board_of_the_users_unit(client, editor, task, units, campaign):
    client.force_login(editor)
    response = client.get(reverse("initiatives:home"), follow=True)
    assert response.status_code == 200
    assert response.redirect_chain[-1][0] == (
        reverse("initiatives:board", args=[units["own"].pk]) + f"?campaign={campaign.pk}"
    )
    assert "草原生态保护修复" in response.content.decode()


def test_a_linked_rule_shows_on_the_key_task(client, editor, task, units, campaign):
    from shigan.problems.services import rule_create

    rule = rule_create(
        actor=system_actor("test"),
        unit=units["own"],
        title="草畜平衡管理办法",
        kind="regulation",
        campaign=campaign,
    )
    client.force_login(editor)
    page = client.get(task.get_absolute_url()).content.decode()
    assert "关联制度机制" in page
    response = client.post(reverse("initiatives:link_rule", args=[task.pk]), {"item": rule.pk})
    assert response.status_code == 302
    page = client.get(task.get_absolute_url()).content.decode()
    assert "草畜平衡管理办法" in page and "已印发" not in page
    client.post(reverse("initiatives:unlink_rule", args=[task.pk, rule.pk]))
    assert not task.rules.exists()


def test_workspace_tab_renders_the_delivery_figures(rf, editor, task, units, campaign):
    from django.template import engines

    template = engines["django"].from_string('{% include "initiatives/_workspace_tab.html" %}')
    request = rf.get("/")
    request.user = editor
    html = template.render(
        {"unit": units["own"], "campaign": campaign, "as_of": None, "request": request}
    )
    assert "重点任务看板" in html and "initiatives.key_tasks" in html and ">1</a>" in html


def test_livelihood_item_page_and_progress_report(client, office, editor, campaign, units):
    area = livelihood.livelihood_area_create(actor=office, campaign=campaign, name="医疗")
    item = livelihood.livelihood_item_create(
        actor=office, campaign=campaign, area=area, title="旗医院扩建", unit=units["own"]
    )
    client.force_login(editor)
    page = client.get(item.get_absolute_url()).content.decode()
    assert "报告进展" in page and "调整序号" not in page
    response = client.post(
        reverse("initiatives:livelihood_report", args=[item.pk]),
        {"text": "主体完工", "percent": "80", "reported_on": "2023-06-01"},
    )
    assert response.status_code == 302
    item.refresh_from_db()
    assert (item.progress_percent, item.state) == (80, "under_way")
    assert (
        client.post(
            reverse("initiatives:livelihood_move", args=[item.pk]), {"number": 1}
        ).status_code
        == 403
    )


def test_sheets_through_the_pages(client, editor, task, project, units, campaign):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from python_calamine import CalamineWorkbook

    client.force_login(editor)
    own, q = units["own"].pk, f"?campaign={campaign.pk}"
    assert client.get(reverse("initiatives:import", args=[own, "projects"]) + q).status_code == 200
    assert client.get(reverse("initiatives:import", args=[own, "nope"]) + q).status_code == 404
    template = client.get(reverse("initiatives:template", args=[own, "projects"]) + q)
    assert template.status_code == 200
    export = client.get(
        reverse("initiatives:export", args=[own, "projects", "xlsx"]) + q + "&amount_unit=wan"
    )
    rows = (
        CalamineWorkbook.from_filelike(io.BytesIO(export.content)).get_sheet_by_index(0).to_python()
    )
    assert rows[0][6] == "安排资金（万元）" and rows[1][6] == 15000
    Project.objects.all().delete()
    upload = SimpleUploadedFile(
        "p.xlsx",
        export.content,
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response = client.post(
        reverse("initiatives:import", args=[own, "projects"]) + q, {"file": upload, "mode": "all"}
    )
    assert response.status_code == 302
    assert Project.objects.get().funds_allocated == Decimal("150000000.00")


def test_editing_a_key_task_and_a_projects_funds_through_the_pages(
    client, editor, task, project, units
):
    client.force_login(editor)
    response = client.post(
        reverse("initiatives:key_task_edit", args=[task.pk]),
        {
            "title": task.title,
            "area": "border_security",
            "starts_on": "2023-04-03",
            "roadmap": "一\n二",
            "goal": "目标",
        },
    )
    assert response.status_code == 302
    task.refresh_from_db()
    assert task.area == "border_security" and task.roadmap_steps() == ["一", "二"]
    response = client.post(
        project.get_absolute_url(),
        {
            "name": project.name,
            "unit": units["own"].pk,
            "key_task": task.pk,
            "kind": "ecology",
            "fund_source": "central",
            "funds_allocated": "1937000万元",
            "funds_disbursed": "",
            "approved_on": "2023-05-02",
        },
    )
    assert response.status_code == 302, response.content.decode()
    project.refresh_from_db()
    assert (
        project.funds_allocated == Decimal("19370000000.00") and project.area == "border_security"
    )
    from shigan.metrics.selectors import metric_value

    assert metric_value(
        "initiatives.project_funds",
        unit=units["parent"],
        area="border_security",
        user=system_actor("test"),
    ) == Decimal("19370000000")
    response = client.post(
        reverse("initiatives:project_state", args=[project.pk]),
        {"state": "under_way", "day": "2023-05-20", "comment": ""},
    )
    project.refresh_from_db()
    assert project.state == "under_way" and project.started_on == D(2023, 5, 20)


def test_a_long_board_column_shows_twelve_and_turns_pages_of_its_own(
    client, editor, campaign, units, monkeypatch
):
    # A region's subtree has hundreds of key tasks: the board shows the first 12 of a column
    # and links to the column alone, in pages; every task is on exactly one page.
    from shigan.core import pagination

    monkeypatch.setattr(pagination, "PAGE_SIZE", 5)
    titles = [f"生态任务{n:02d}" for n in range(14)]
    for title in titles:
        key_tasks.key_task_create(
            actor=editor, campaign=campaign, unit=units["own"], area="ecology", title=title
        )
    client.force_login(editor)
    url = reverse("initiatives:board", args=[units["own"].pk])
    board = client.get(url, {"campaign": campaign.pk}).content.decode()
    assert sum(t in board for t in titles) == 12 and "查看全部 14 项" in board
    assert "area=ecology" in board
    seen = []
    for page in (1, 2, 3):
        html = client.get(url, {"campaign": campaign.pk, "area": "ecology", "page": page})
        html = html.content.decode()
        assert "返回全部领域" in html and "共 14 项" in html
        seen += [t for t in titles if t in html]
    assert sorted(seen) == titles
