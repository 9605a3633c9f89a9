"""Briefing templates (validated on save), generating a draft, issuing (freezing) it, and
what changed since."""

import datetime

import pytest
from django.template.base import VariableNode

from shigan.accounts.system import system_actor
from shigan.audit.models import AuditEntry
from shigan.briefings import sandbox
from shigan.briefings.defaults import DEFAULT_TEXT
from shigan.briefings.models import BriefingFigure
from shigan.briefings.selectors import briefing_changes
from shigan.briefings.services import (
    BriefingError,
    briefing_generate,
    briefing_issue,
    briefing_template_save,
)
from shigan.dashboards.figures import CATALOGUE
from shigan.dashboards.tests.world import AS_OF, EXPECTED
from shigan.orgs.choices import Role
from shigan.problems import services as problems

pytestmark = pytest.mark.django_db


def test_the_default_template_states_every_figure():
    template = sandbox.compile_template(DEFAULT_TEXT)
    used = {
        node.filter_expression.var.lookups[0]
        for node in template.nodelist.get_nodes_by_type(VariableNode)
    }
    assert set(CATALOGUE) <= used
    assert sandbox.check_template(DEFAULT_TEXT) == []


def test_the_briefing_reads_like_the_article(briefing):
    text = briefing.text
    assert briefing.title == "内蒙古自治区学习贯彻习近平新时代中国特色社会主义思想主题教育进展情况"
    assert "截至2023年5月31日，内蒙古自治区党委常委会举办2期读书班、" in text
    assert "、1次理论学习中心组集中研讨；" in text
    assert "第一批3个参学单位党委（党组）中有2个举办读书班，开展理论中心组学习2次" in text
    assert "第一批参学单位就调查研究中梳理排查的2个问题，研究提出解决措施3条" in text
    assert "内蒙古自治区层面梳理形成1个方面2个具体问题，第一批参学单位检视出2个方面4个问题" in text
    assert "安排193.7亿元专项经费" in text and "下达高标准农田建设补助资金32.2亿元" in text
    assert "筹措6亿元资金" in text and "安排口岸经济发展专项资金2亿元" in text
    assert "下达少数民族发展任务资金7.14亿元" in text
    assert "{" not in text and "}" not in text
    assert len(briefing.paragraphs()) == 5
    assert all(p.startswith(h) for p, h in zip(briefing.paragraphs()[1:], "一二三四", strict=True))


def test_the_draft_keeps_each_figure_and_its_records(briefing):
    figures = {f.key: f for f in briefing.figures.all()}
    assert set(figures) == set(CATALOGUE)
    assert {k: f.number for k, f in figures.items()} == EXPECTED
    inspected = figures["self_inspection_problems"]
    assert inspected.record_model == "problems.problem" and len(inspected.record_ids) == 4
    assert figures["border_security_funds"].text == "193.7亿元"


def test_an_issued_briefing_says_what_it_said_then(briefing, office, world, units):
    issued = briefing_issue(actor=office, briefing=briefing)
    assert issued.state == "issued" and issued.issued_by == office and issued.issued_at
    text, ids = issued.text, list(issued.figures.order_by("key").values_list("record_ids"))
    late = problems.problem_create(
        actor=system_actor("test"),
        unit=units["own"], campaign=world["campaign"], aspect=world["aspects"][0],
        source="self_inspection", title="补报的检视问题", found_on=datetime.date(2023, 5, 30),
    )  # fmt: skip
    issued.refresh_from_db()
    assert issued.text == text
    assert list(issued.figures.order_by("key").values_list("record_ids")) == ids
    with pytest.raises(BriefingError) as error:
        briefing_issue(actor=office, briefing=issued)
    assert error.value.code == "already_issued"
    changes = {c.key: c for c in briefing_changes(briefing=issued, as_of=AS_OF)}
    inspected = changes["self_inspection_problems"]
    assert (inspected.then, inspected.now, inspected.added) == (4, 5, [late.pk])
    assert inspected.added_records == [late] and inspected.removed == []
    assert not changes["border_security_funds"].changed
    assert AuditEntry.objects.filter(action="briefings.briefing.issued").count() == 1


def test_issuing_recomputes_a_stale_draft(briefing, office, world, units):
    problems.problem_create(
        actor=system_actor("test"),
        unit=units["sibling"], campaign=world["campaign"], aspect=world["aspects"][2],
        source="self_inspection", title="新检视问题", found_on=datetime.date(2023, 5, 29),
    )  # fmt: skip
    issued = briefing_issue(actor=office, briefing=briefing)
    assert "第一批参学单位检视出3个方面5个问题" in issued.text
    assert BriefingFigure.objects.get(briefing=issued, key="self_inspection_problems").value == 5


@pytest.mark.parametrize(
    ("role", "place", "generate", "issue"),
    [
        (Role.ADMIN, "region", True, True),
        (Role.EDITOR, "region", True, False),
        (Role.LEADER, "region", True, False),
        (Role.VIEWER, "region", False, False),
        (Role.ADMIN, "own", False, False),
    ],
)
def test_who_may_generate_and_issue(world, units, make_user, role, place, generate, issue):
    user = make_user(role, units[place])
    args = {"campaign": world["campaign"], "unit": units["region"], "as_of": AS_OF}
    if generate:
        draft = briefing_generate(actor=user, **args)
    else:
        with pytest.raises(BriefingError):
            briefing_generate(actor=user, **args)
        draft = briefing_generate(actor=system_actor("test"), **args)
    if issue:
        assert briefing_issue(actor=user, briefing=draft).issued
    else:
        with pytest.raises(BriefingError) as error:
            briefing_issue(actor=user, briefing=draft)
        assert error.value.code == "forbidden"


def _save(office, world, text, **kwargs):
    return briefing_template_save(
        actor=office, campaign=world["campaign"], name=kwargs.pop("name", "周报"), text=text,
        **kwargs,
    )  # fmt: skip


@pytest.mark.parametrize(
    ("text", "line", "words"),
    [
        ("截至{{ as_of }}，\n{% if batch_units %}有参学单位\n第三行", 2, "if"),
        ("第一行\n第二行\n共{{ no_such_figure }}个", 3, "no_such_figure"),
        ("{{ batch_units.objects }}", 1, "objects"),
        ("第一行\n{% load static %}", 2, "load"),
        ('{% include "base.html" %}', 1, "include"),
        ("{% debug %}", 1, "debug"),
        ("{{ batch_units|no_such_filter }}", 1, "no_such_filter"),
        ("{{ batch_units.__class__ }}", 1, "__class__"),
    ],
)
def test_a_bad_template_is_refused_naming_the_line(office, world, text, line, words):
    with pytest.raises(BriefingError) as error:
        _save(office, world, text)
    assert error.value.code == "template_invalid" and error.value.field == "text"
    assert f"第 {line} 行" in error.value.message, error.value.message
    assert words in error.value.message


def test_a_template_is_used_for_the_briefing(office, world, units):
    template = _save(
        office, world, "{{ unit }}共有{{ batch_units }}个参学单位。\n\n"
        "{% if reading_class_coverage.complete %}\n全部\n{% else %}\n"
        "{{ reading_class_coverage }}个\n{% endif %}\n举办读书班。",
        title="{{ unit }}简报", is_default=True,
    )  # fmt: skip
    briefing = briefing_generate(
        actor=office, campaign=world["campaign"], unit=units["region"], as_of=AS_OF
    )
    assert briefing.template == template
    assert briefing.title == "内蒙古自治区简报"
    assert briefing.paragraphs() == ["内蒙古自治区共有3个参学单位。", "2个举办读书班。"]


def test_only_the_campaign_office_edits_templates(world, units, make_user):
    editor = make_user(Role.EDITOR, units["region"])
    with pytest.raises(BriefingError) as error:
        _save(editor, world, "{{ batch_units }}")
    assert error.value.code == "forbidden"
