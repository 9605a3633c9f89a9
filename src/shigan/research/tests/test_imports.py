import datetime
import io

import pytest
import xlsxwriter

from shigan.research.imports import ResultImporter, TopicImporter, TripImporter
from shigan.research.models import ResearchResult, ResearchTopic

pytestmark = pytest.mark.django_db

D = datetime.date(2023, 4, 10)


def sheet(rows):
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer)
    ws = book.add_worksheet()
    for r, row in enumerate(rows):
        ws.write_row(r, 0, row)
    book.close()
    return buffer.getvalue()


def test_import_topics_trips_results(editor, units, campaign, aspect, lead, guide):
    own = units["own"]
    data = sheet(
        [
            ["单位", "课题名称", "方面", "牵头领导", "参与人员", "确定日期"],
            ["", "水利调研", "基层治理", "巴特尔", "", "2023-04-10"],
            ["", "坏行", "不存在的方面", "无名氏", "", ""],
        ]
    )
    result = TopicImporter(actor=editor, unit=own, campaign=campaign).run(data, "t.xlsx")
    assert not result.committed and len(result.errors) == 2
    # Each error names its column's key too, which decides what a report masks.
    located = {(e.letter, e.column, e.key) for e in result.errors}
    assert located == {("C", "方面", "aspect"), ("D", "牵头领导", "lead")}
    result = TopicImporter(actor=editor, unit=own, campaign=campaign, mode="valid").run(
        data, "t.xlsx"
    )
    assert result.created == 1
    again = TopicImporter(actor=editor, unit=own, campaign=campaign, mode="valid").run(
        data, "t.xlsx"
    )
    assert again.created == 0 and again.unchanged == 1
    topic = ResearchTopic.objects.get(title="水利调研")

    trips = sheet([["课题名称", "调研日期", "调研地点"], ["水利调研", "2023-04-12", own.name]])
    result = TripImporter(actor=editor, unit=own, campaign=campaign).run(trips, "x.xlsx")
    assert not result.committed
    assert "方案审核通过后" in result.errors[0].message

    from shigan.research import services

    plan = services.topic_plan_submit(actor=editor, topic=topic, text="方案", day=D)
    services.topic_plan_review(actor=guide, plan=plan, verdict="approved", day=D)
    result = TripImporter(actor=editor, unit=own, campaign=campaign).run(trips, "x.xlsx")
    assert result.created == 1
    results = sheet(
        [
            ["课题名称", "成果类型", "成果名称", "采纳状态", "采纳日期"],
            ["水利调研", "制度", "水利管护制度", "已采纳", "2023-05-01"],
        ]
    )
    result = ResultImporter(actor=editor, unit=own, campaign=campaign).run(results, "r.xlsx")
    assert result.created == 1
    assert ResearchResult.objects.get().state == "adopted"
