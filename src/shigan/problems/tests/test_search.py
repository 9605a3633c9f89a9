"""Problem search (issue 15): indexed, same scope as the ledger, exactly the problems whose title
(or, by its own filter, one of whose measures) holds the words."""

import random
import re
from datetime import date as D

import pytest
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from shigan.accounts.system import system_actor
from shigan.problems import selectors, services, views
from shigan.problems.models import Problem

ALPHABET = "供暖问题学校煤"


@pytest.fixture
def titled(units, campaign, editor):
    """Forty problems in the banner with titles from a small alphabet (so queries hit often), one
    more with a measure, and the same titles out of the editor's scope."""
    rng = random.Random(15)
    titles = ["".join(rng.choices(ALPHABET, k=rng.randint(2, 8))) for _ in range(40)]
    for title in titles:
        services.problem_create(
            actor=system_actor("test"), unit=units["own"], campaign=campaign, title=title,
            source="self_inspection", found_on=D(2023, 5, 4),
        )  # fmt: skip
    for title in titles[:5]:
        services.problem_create(
            actor=system_actor("test"), unit=units["unrelated"], campaign=campaign, title=title,
            source="self_inspection", found_on=D(2023, 5, 4),
        )  # fmt: skip
    other = services.problem_create(
        actor=system_actor("test"), unit=units["own"], campaign=campaign, title="牧区道路",
        source="self_inspection", found_on=D(2023, 5, 4),
    )  # fmt: skip
    services.measure_add(
        actor=editor, problem=other, text="修缮校舍供暖管网", added_on=D(2023, 5, 5)
    )
    return titles


def found(editor, words, field="q") -> list[str]:
    return [p.title for p in selectors.problem_list(user=editor, **{field: words})]


@pytest.mark.django_db
@settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
@given(data=st.data())
def test_search_finds_exactly_the_problems_holding_the_words(titled, editor, data):
    source = data.draw(st.sampled_from(titled))
    start = data.draw(st.integers(0, len(source) - 1))
    words = source[start : data.draw(st.integers(start + 1, len(source)))]
    words = data.draw(st.sampled_from([words, words + "校", "煤" + words]))
    assert sorted(found(editor, words)) == sorted(t for t in titled if words in t)
    by_measure = ["牧区道路"] if words in "修缮校舍供暖管网" else []
    assert found(editor, words, "measure_q") == by_measure


@pytest.mark.django_db
def test_words_anywhere_best_first_and_never_out_of_scope(titled, editor, units):
    hits = found(editor, "供暖")
    assert len(hits) == sum("供暖" in t for t in titled)  # none of 阿巴嘎旗's neighbours
    ranks = [p.search_rank for p in selectors.problem_list(user=editor, q="供暖")]
    assert ranks == sorted(ranks, reverse=True) and ranks[0] > 0
    both = found(editor, "供暖 学校")
    assert sorted(both) == sorted(t for t in titled if "供暖" in t and "学校" in t)
    assert found(editor, "，。") == []


@pytest.mark.django_db
def test_the_ledger_page_searches(titled, editor, client, units):
    client.force_login(editor)
    page = client.get(reverse("problems:ledger", args=[units["own"].pk]), {"q": "煤"})
    assert page.status_code == 200
    linked = set(map(int, re.findall(r'href="/problems/(\d+)/"', page.content.decode())))
    expected = Problem.objects.filter(unit=units["own"], title__contains="煤")
    assert linked == set(expected.values_list("pk", flat=True)) and linked


def ledger_ids(editor, unit, **criteria) -> list[int]:
    """The unit's ledger in its own order (newest found first, then newest recorded)."""
    rows = selectors.problem_list(user=editor, unit=unit, **criteria)
    return [p.pk for p in rows.order_by("-found_on", "-pk")]


@pytest.mark.django_db
def test_within_the_cap_the_hits_are_ranked_and_counted(titled, editor, units):
    expected = sum("供暖" in t for t in titled)
    search = selectors.problem_ledger(user=editor, unit=units["own"], q="供暖", cap=expected)
    assert not search.capped and search.hits == expected
    ranks = [p.search_rank for p in search.rows]
    assert len(ranks) == expected and ranks == sorted(ranks, reverse=True) and ranks[0] > 0


@pytest.mark.django_db
def test_above_the_cap_the_hits_come_in_ledger_order_uncounted(titled, editor, units):
    expected = sum("供暖" in t for t in titled)
    search = selectors.problem_ledger(user=editor, unit=units["own"], q="供暖", cap=expected - 1)
    assert search.capped and search.hits is None
    assert [p.pk for p in search.rows] == ledger_ids(editor, units["own"], q="供暖")
    measured = selectors.problem_ledger(user=editor, unit=units["own"], measure_q="供暖", cap=0)
    assert measured.capped and [p.title for p in measured.rows] == ["牧区道路"]


def ledger_page(client, unit, number, **query):
    page = client.get(reverse("problems:ledger", args=[unit.pk]), {**query, "page": number})
    assert page.status_code == 200
    html = page.content.decode()
    return [int(pk) for pk in re.findall(r'href="/problems/(\d+)/"', html)], html


@pytest.mark.django_db
def test_the_ledger_page_above_the_cap_says_more_than_and_pages_through_all(
    titled, editor, client, units, settings, monkeypatch
):
    expected = ledger_ids(editor, units["own"], q="供暖")
    settings.SHIGAN_SEARCH_CAP = 3
    monkeypatch.setattr(views, "PAGE_SIZE", 2)
    assert len(expected) > 2 * 2  # three pages at least, the last one short
    client.force_login(editor)
    seen, number = [], 1
    while True:
        ids, html = ledger_page(client, units["own"], number, q="供暖")
        assert "匹配超过 3 个问题，按台账顺序列出" in html and "超过 3 个问题" in html
        assert "light-counts" not in html  # no per-light counts of an uncounted set
        assert f"第 {number} 页" in html and " / " not in html.split("第 ", 1)[1][:12]
        seen += ids
        if "下一页" not in html:
            break
        number += 1
    assert seen == expected  # disjoint, complete, in ledger order
    assert ledger_page(client, units["own"], 999, q="供暖")[0] == expected[:2]  # past the end


@pytest.mark.django_db
def test_the_ledger_page_within_the_cap_counts_exactly(titled, editor, client, units, settings):
    expected = sum("供暖" in t for t in titled)
    settings.SHIGAN_SEARCH_CAP = expected
    client.force_login(editor)
    ids, html = ledger_page(client, units["own"], 1, q="供暖")
    assert f"共 {expected} 个问题" in html and "light-counts" in html and "超过" not in html
    ranked = selectors.problem_list(user=editor, unit=units["own"], q="供暖")
    assert ids == [p.pk for p in ranked]


@pytest.mark.django_db
@pytest.mark.parametrize("window", [1, 7, 40, 10**6])
def test_a_bounded_walk_pages_exactly_as_the_plain_query(titled, editor, units, window):
    """The walk (PostgreSQL) serves a page only when its window holds it: same rows, same order
    as the plain query whatever the window, which is tiny here so both branches run."""
    unit, per_page = units["own"], 2
    expected = ledger_ids(editor, unit, q="供暖")
    search = selectors.problem_ledger(user=editor, unit=unit, q="供暖", cap=1, window=window)
    assert search.capped and len(expected) > 2 * per_page
    paginator = search.paginator(per_page)
    pages = []
    for number in range(1, len(expected) // per_page + 2):
        pages += [p.pk for p in paginator.page(number)]
    assert pages == expected
    if search.window is None:  # SQLite: its planner walks already
        return
    first, hits = ledger_ids(editor, unit)[:window], set(expected)
    walked = [p.pk for p in search.window[0 : per_page + 1]]
    assert walked == [pk for pk in first if pk in hits][: per_page + 1]
    if window in (1, 10**6):  # the fallback, then the walk, serve the first page
        assert (len(walked) == per_page + 1) == (window > 1)
