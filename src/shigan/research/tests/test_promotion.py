"""Promotion of research results (成果推广): the services, their figures by subtree as of a
date, scoping (office, promoted units, outsiders), the pages and the API."""

import datetime

import pytest
from rest_framework.test import APIClient

from shigan.accounts.system import system_actor
from shigan.audit.models import AuditEntry
from shigan.core.errors import DomainError
from shigan.metrics.selectors import metric_by_child, metric_records, metric_value
from shigan.orgs.choices import Role, UnitKind
from shigan.orgs.models import Unit
from shigan.research import selectors, services
from shigan.research.models import PromotionTarget, TargetTransition

pytestmark = pytest.mark.django_db

D = datetime.date(2023, 4, 10)
PROMOTED = datetime.date(2023, 5, 10)
DEADLINE = datetime.date(2023, 6, 30)


@pytest.fixture
def result(approved_topic, editor, units):
    services.topic_trip_log(actor=editor, topic=approved_topic, visited_on=D, place=units["own"])
    return services.result_create(
        actor=editor,
        topic=approved_topic,
        kind="measure",
        title="统种共富土地合作经营模式",
        state="adopted",
        adopted_on=D,
    )


@pytest.fixture
def villages(units):
    return list(
        Unit.objects.subtree_of(units["own"]).filter(kind=UnitKind.VILLAGE).order_by("path")
    )


@pytest.fixture
def promotion(result, editor, units):
    return services.result_promote(
        actor=editor,
        result=result,
        scopes=[units["own"]],
        deadline=DEADLINE,
        promoted_on=PROMOTED,
        note="请结合实际推广",
    )


def _village_user(make_user, village, name):
    return make_user(Role.EDITOR, village, username=name)


def test_promote_to_a_banners_villages(promotion, villages, units):
    targets = list(promotion.targets.order_by("unit__path"))
    assert [t.unit_id for t in targets] == [v.pk for v in villages]
    assert len(villages) > 5
    assert {t.state for t in targets} == {"pending"}
    assert TargetTransition.objects.filter(target__promotion=promotion).count() == len(villages)
    entry = AuditEntry.objects.filter(action="research.result.promoted").get()
    assert entry.after["units"] == [v.pk for v in villages]
    kwargs = {"unit": units["own"], "promotion": promotion.pk}
    assert metric_value("research.promotion_targets", **kwargs, user=system_actor("test")) == len(
        villages
    )
    assert metric_value("research.promotion_adopted", **kwargs, user=system_actor("test")) == 0
    # Counted from the promotion day only.
    early = PROMOTED - datetime.timedelta(days=1)
    assert (
        metric_value("research.promotion_targets", as_of=early, **kwargs, user=system_actor("test"))
        == 0
    )


def test_two_villages_adopt_the_figure_reads_two_of_n(promotion, villages, units, make_user):
    first, second, third = villages[0], villages[1], villages[-1]
    for i, village in enumerate((first, second)):
        user = _village_user(make_user, village, f"village{i}")
        target = PromotionTarget.objects.get(promotion=promotion, unit=village)
        services.promotion_report(
            actor=user, target=target, state="adopted", note="已组建合作社", day=DEADLINE
        )
    other = _village_user(make_user, third, "village_na")
    services.promotion_report(
        actor=other,
        target=PromotionTarget.objects.get(promotion=promotion, unit=third),
        state="not_applicable",
        note="本村以牧业为主",
        day=DEADLINE,
    )
    figure = selectors.promotion_figure(
        user=system_actor("test"), promotion=promotion, unit=units["own"]
    )
    assert (figure.promoted, figure.adopted) == (len(villages), 2)
    assert sum(r.promoted for r in figure.rows) == len(villages)
    assert sum(r.adopted for r in figure.rows) == 2
    records = metric_records(
        "research.promotion_adopted",
        unit=units["own"],
        promotion=promotion.pk,
        user=system_actor("test"),
    )
    assert {r.unit_id for r in records} == {first.pk, second.pk}
    # As of the day before the answers, nothing was adopted yet.
    before = DEADLINE - datetime.timedelta(days=1)
    kwargs = {"unit": units["own"], "promotion": promotion.pk, "as_of": before}
    assert metric_value("research.promotion_adopted", **kwargs, user=system_actor("test")) == 0
    # Up the tree (league, region), the same figure.
    up = metric_by_child(
        "research.promotion_adopted",
        unit=units["parent"],
        promotion=promotion.pk,
        user=system_actor("test"),
    )
    assert {r.unit.pk: r.value for r in up if r.unit and r.value} == {units["own"].pk: 2}


def test_changed_answer_moves_the_figure_and_keeps_history(promotion, villages, make_user):
    village = villages[0]
    user = _village_user(make_user, village, "v0")
    target = PromotionTarget.objects.get(promotion=promotion, unit=village)
    services.promotion_report(actor=user, target=target, state="adopted", day=PROMOTED)
    services.promotion_report(
        actor=user, target=target, state="not_applicable", note="条件不具备", day=DEADLINE
    )
    kwargs = {"unit": village, "promotion": promotion.pk}
    assert (
        metric_value(
            "research.promotion_adopted", as_of=PROMOTED, **kwargs, user=system_actor("test")
        )
        == 1
    )
    assert metric_value("research.promotion_adopted", **kwargs, user=system_actor("test")) == 0
    states = list(target.transitions.order_by("day", "pk").values_list("to_state", flat=True))
    assert states == ["pending", "adopted", "not_applicable"]


@pytest.mark.parametrize(
    ("state", "note", "code"),
    [("pending", "", "bad_state"), ("not_applicable", "", "note_required")],
)
def test_bad_answers_change_nothing(promotion, villages, make_user, state, note, code):
    user = _village_user(make_user, villages[0], "v0")
    target = PromotionTarget.objects.get(promotion=promotion, unit=villages[0])
    with pytest.raises(DomainError) as exc:
        services.promotion_report(actor=user, target=target, state=state, note=note)
    assert exc.value.code == code
    target.refresh_from_db()
    assert target.state == "pending"


def test_only_the_promoted_unit_answers(promotion, villages, make_user, units):
    outsider = make_user(Role.EDITOR, villages[1], username="neighbour")
    target = PromotionTarget.objects.get(promotion=promotion, unit=villages[0])
    with pytest.raises(DomainError) as exc:
        services.promotion_report(actor=outsider, target=target, state="adopted")
    assert exc.value.code == "forbidden"


def test_promote_refusals(result, editor, units, approved_topic):
    with pytest.raises(DomainError) as exc:
        services.result_promote(actor=editor, result=result, deadline=D, promoted_on=PROMOTED)
    assert exc.value.code == "bad_deadline"
    with pytest.raises(DomainError) as exc:
        services.result_promote(
            actor=editor, result=result, deadline=DEADLINE, promoted_on=PROMOTED
        )
    assert exc.value.code == "no_targets"
    draft = services.result_create(actor=editor, topic=approved_topic, kind="rule", title="草案")
    with pytest.raises(DomainError) as exc:
        services.result_promote(
            actor=editor, result=draft, scopes=[units["own"]], deadline=DEADLINE, promoted_on=D
        )
    assert exc.value.code == "not_adopted"
    assert not PromotionTarget.objects.exists()


def test_a_list_of_units(result, editor, units, villages):
    promotion = services.result_promote(
        actor=editor,
        result=result,
        units=[villages[0], units["child"]],
        deadline=DEADLINE,
        promoted_on=PROMOTED,
    )
    assert set(promotion.targets.values_list("unit", flat=True)) == {
        villages[0].pk,
        units["child"].pk,
    }


def test_scoping_village_sees_own_answer_outsider_nothing(promotion, villages, make_user):
    mine = _village_user(make_user, villages[0], "v0")
    assert selectors.promotion_list(user=mine).get() == promotion
    seen = selectors.promotion_targets(user=mine, promotion=promotion)
    assert [t.unit_id for t in seen] == [villages[0].pk]
    stranger = make_user(Role.EDITOR, Unit.objects.get(division_code="150600000000"))
    assert not selectors.promotion_list(user=stranger).exists()


def test_pages(client, promotion, villages, make_user, units, editor):
    user = _village_user(make_user, villages[0], "v0")
    client.force_login(user)
    page = client.get(f"/research/promotions/{promotion.pk}/")
    assert page.status_code == 200
    text = page.content.decode()
    assert villages[0].name in text and villages[1].name not in text
    target = PromotionTarget.objects.get(promotion=promotion, unit=villages[0])
    url = f"/research/promotions/targets/{target.pk}/report/"
    bad = client.post(url, {"state": "not_applicable", "note": "", "day": "2023-06-01"})
    assert bad.status_code == 400 and "不适用时请说明理由" in bad.content.decode()
    done = client.post(url, {"state": "adopted", "note": "已推开", "day": "2023-06-01"})
    assert done.status_code == 302
    client.force_login(editor)
    topic_page = client.get(promotion.result.topic.get_absolute_url()).content.decode()
    assert f"/research/promotions/?result={promotion.result_id}" in topic_page
    listed = client.get(f"/research/promotions/?result={promotion.result_id}").content.decode()
    assert promotion.get_absolute_url() in listed
    page = client.get(f"/research/promotions/{promotion.pk}/?unit={units['own'].pk}")
    assert f"推广到 {len(villages)} 个嘎查村，已采用 1 个" in page.content.decode()
    other = PromotionTarget.objects.get(promotion=promotion, unit=villages[1])
    neighbour = _village_user(make_user, villages[2], "v2")
    client.force_login(neighbour)
    assert client.get(f"/research/promotions/targets/{other.pk}/report/").status_code == 404


def test_promote_page(client, result, editor, units):
    client.force_login(editor)
    url = f"/research/results/{result.pk}/promote/"
    assert client.get(url).status_code == 200
    bad = client.post(
        url, {"scopes": "不存在的旗", "target_kind": "village", "deadline": "2023-07-01"}
    )
    assert bad.status_code == 400 and "找不到单位“不存在的旗”。" in bad.content.decode()
    assert not PromotionTarget.objects.filter(promotion__result=result).exists()
    ok = client.post(
        url,
        {"scopes": units["own"].division_code, "target_kind": "village", "deadline": "2099-07-01"},
    )
    assert ok.status_code == 302
    assert PromotionTarget.objects.filter(promotion__result=result).exists()


def test_api(result, editor, units, villages, make_user):
    api = APIClient()
    api.force_authenticate(editor)
    response = api.post(
        f"/api/research/results/{result.pk}/promote/",
        {"scopes": [units["own"].pk], "deadline": "2099-06-30", "note": "推广"},
        format="json",
    )
    assert response.status_code == 201, response.json()
    pk = response.json()["id"]
    user = _village_user(make_user, villages[0], "v0")
    api.force_authenticate(user)
    targets = api.get(f"/api/research/promotion-targets/?promotion={pk}").json()["results"]
    assert [t["unit"] for t in targets] == [villages[0].pk]
    bad = api.post(f"/api/research/promotion-targets/{targets[0]['id']}/report/", {"state": "x"})
    assert bad.status_code == 400
    ok = api.post(
        f"/api/research/promotion-targets/{targets[0]['id']}/report/",
        {"state": "adopted", "note": "已采用"},
        format="json",
    )
    assert ok.status_code == 200 and ok.json()["state"] == "adopted"
    api.force_authenticate(editor)
    figure = api.get(f"/api/research/promotions/{pk}/figure/?unit={units['own'].pk}").json()
    assert (figure["promoted"], figure["adopted"]) == (len(villages), 1)
