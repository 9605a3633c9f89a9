"""The search tokenizer (core/search.py) and its PL/pgSQL twin: the index is built by one and the
query by the other, so they must cut every text the same way."""

import pytest
from django.db import connection
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from shigan.core.search import bigrams, search_terms

CHARACTERS = "供暖问题学校煤路　ＡＢｃ１２" + "abcXYZ 0-，。、（）/\n\t·é𠀀"
TEXT = st.text(alphabet=st.sampled_from(CHARACTERS), max_size=40)


def test_chinese_is_cut_into_pairs_and_latin_kept_whole():
    assert bigrams("供暖问题") == "供暖 暖问 问题 题"
    assert bigrams("G7高速（京新）") == "g7 高速 速 京新 新"
    assert bigrams("ＡＢＣ１２３，煤") == "abc123 煤"  # full-width folded (NFKC), lower case
    assert bigrams("") == bigrams(None) == ""


def test_a_query_is_cut_the_same_way_without_the_lone_tail():
    assert search_terms("暖问题 学校") == [[["暖问", "问题"]], [["学校"]]]
    assert search_terms("煤") == [[["煤"]]]
    assert search_terms("，。 ") == []


@pytest.mark.django_db
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=TEXT)
def test_the_database_tokenizer_agrees_with_python(text):
    with connection.cursor() as cursor:
        cursor.execute("SELECT shigan_bigrams(%s)", [text])
        assert cursor.fetchone()[0] == bigrams(text)
