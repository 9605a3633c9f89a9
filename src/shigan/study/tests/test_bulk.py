"""The bulk study service writes what `study_activity_create` writes, or nothing."""

import pytest

from shigan.accounts.system import system_actor
from shigan.audit.models import AuditEntry
from shigan.metrics.selectors import metric_by, metric_records, metric_value
from shigan.study import selectors
from shigan.study.models import StudyActivity, StudyParticipant
from shigan.study.services import ActivityDraft, StudyBulkRejected, study_activity_bulk_create
from shigan.study.tests.conftest import D

pytestmark = pytest.mark.django_db


def test_bulk_sessions_count_like_single_ones(units, campaign, people, editor, make_activity):
    make_activity(kind="central_group", leaders=[people["banner_head"]])
    drafts = [
        ActivityDraft(units["own"], "reading_class", " 第一期读书班 ", D, campaign, None, 30, "",
                      [people["banner_head"], people["deputy"].pk, people["section"]]),
        ActivityDraft(units["own"], "central_group", "中心组学习", D, campaign,
                      leaders=[people["deputy"]]),
    ]  # fmt: skip
    ids = study_activity_bulk_create(actor=editor, drafts=drafts)
    first = StudyActivity.objects.get(pk=ids[0])
    assert (first.title, first.participants, first.created_by) == ("第一期读书班", 30, editor)
    assert set(first.leaders.values_list("name", flat=True)) == {"巴特尔", "王建国", "乌云"}
    participant = StudyParticipant.objects.filter(activity=first).first()
    assert (participant.unit, participant.campaign, participant.kind, participant.held_on) == (
        units["own"],
        campaign,
        "reading_class",
        D,
    )
    region = units["region"]
    for key in ("study.sessions", "study.attendances"):
        value = metric_value(
            key, unit=region, campaign=campaign, as_of=D, user=system_actor("test")
        )
        assert (
            value
            == metric_records(
                key, unit=region, campaign=campaign, as_of=D, user=system_actor("test")
            ).count()
        )
    assert metric_by(
        "kind", "study.sessions", unit=region, campaign=campaign, user=system_actor("test")
    ) == {
        "central_group": 2,
        "reading_class": 1,
    }
    assert (
        metric_value(
            "study.attendances", unit=units["parent"], campaign=campaign, user=system_actor("test")
        )
        == 5
    )
    count, _people = selectors.study_leaders(
        user=system_actor("test"), unit=region, campaign=campaign
    )
    assert count == 2  # the section-level leader is not county level or above
    entries = AuditEntry.objects.filter(action="study.activity.created", actor=editor)
    assert entries.count() == 2
    assert entries.get(target_id=str(ids[0])).after["leaders"] == [
        people["banner_head"].pk,
        people["deputy"].pk,
        people["section"].pk,
    ]


def test_one_invalid_draft_refuses_all(units, campaign, people, editor):
    drafts = [
        ActivityDraft(units["own"], "reading_class", "读书班", D, campaign),
        ActivityDraft(
            units["own"], "lecture", "讲座", D, campaign, leaders=[people["sibling_head"]]
        ),
        ActivityDraft(units["own"], "lecture", "", D, campaign),
        ActivityDraft(units["sibling"], "lecture", "越权", D, campaign),
    ]
    with pytest.raises(StudyBulkRejected) as exc:
        study_activity_bulk_create(actor=editor, drafts=drafts)
    assert {i: e.code for i, e in exc.value.errors.items()} == {
        1: "person_outside_unit",
        2: "title_required",
        3: "forbidden",
    }
    assert not StudyActivity.objects.exists()
    assert not AuditEntry.objects.filter(action="study.activity.created").exists()
