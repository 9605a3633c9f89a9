"""The scenario's 统种共富 story: 自治区农牧厅's topic on 官牛犋南社 (侯家营子村 of 白泥井镇,
达拉特旗), its adopted result promoted to the gacha/villages of three banners, some of which
adopted it; the figures by subtree agree with the answers (rows 10–11 in test_figures)."""

import pytest

from shigan.accounts.system import system_actor
from shigan.demo.scenario import promotion as story
from shigan.metrics.selectors import metric_by_child, metric_value
from shigan.orgs.choices import UnitKind
from shigan.orgs.models import Unit
from shigan.research.models import PromotionTarget, ResultPromotion

pytestmark = pytest.mark.django_db


@pytest.fixture
def promoted(scenario):
    return ResultPromotion.objects.select_related("result__topic__unit").get(
        result__title=story.RESULT_TITLE
    )


def test_the_department_researched_the_model_at_the_village(promoted):
    topic = promoted.result.topic
    assert topic.unit.name == story.DEPARTMENT and topic.title == story.TOPIC_TITLE
    places = {trip.place.name for trip in topic.trips.select_related("place")}
    assert places == {"侯家营子村委会"}
    village = Unit.objects.get(name="侯家营子村委会")
    assert [u.name for u in Unit.objects.get_ancestors(village)][-2:] == ["达拉特旗", "白泥井镇"]
    assert promoted.result.state == "adopted" and hasattr(topic, "report")


def test_promoted_to_three_banners_villages_figures_match_answers(promoted, as_of):
    banners = list(promoted.scopes.order_by("path"))
    assert {b.division_code for b in banners} == {c for c, _s in story.BANNERS}
    villages = Unit.objects.none()
    for banner in banners:
        villages |= Unit.objects.subtree_of(banner).filter(kind=UnitKind.VILLAGE, active=True)
    targets = PromotionTarget.objects.filter(promotion=promoted)
    assert set(targets.values_list("unit", flat=True)) == set(villages.values_list("pk", flat=True))
    region = Unit.objects.get(division_code="150000000000", depth=1)
    kwargs = {"promotion": promoted.pk, "as_of": as_of}
    assert (
        metric_value("research.promotion_targets", unit=region, **kwargs, user=system_actor("test"))
        == targets.count()
    )
    adopted = targets.filter(state="adopted")
    assert 0 < adopted.count() < targets.count()
    assert (
        metric_value("research.promotion_adopted", unit=region, **kwargs, user=system_actor("test"))
        == adopted.count()
    )
    for banner in banners:
        mine = adopted.filter(unit__path__startswith=banner.path).count()
        assert (
            metric_value(
                "research.promotion_adopted", unit=banner, **kwargs, user=system_actor("test")
            )
            == mine
        )
        rows = metric_by_child(
            "research.promotion_adopted", unit=banner, **kwargs, user=system_actor("test")
        )
        assert sum(r.value for r in rows) == mine
    assert targets.filter(state="not_applicable").exclude(note="").exists()
