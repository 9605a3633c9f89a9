"""Issue 14, point 6: one formatter for counts and money, as the article writes figures
(1346个, 1.49万名, 193.7亿元, 7.14亿元): no thousands comma in the text, 万 from 10,000 up,
亿元/万元 with at most two decimals, never "约", and the exact value on hover."""

from decimal import Decimal

import pytest
from django.template import Context, Template

from shigan.core.formatting import amount_exact, amount_text, count_exact, count_text

D = Decimal


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (0, "0"),
        (1667, "1667"),
        (9999, "9999"),
        (10000, "1万"),
        (14900, "1.49万"),
        (14949, "1.49万"),
        (14950, "1.5万"),  # half up, trailing zero dropped
        (99999, "10万"),
        (3051089, "305.11万"),
        (99_999_999, "1亿"),  # 9999.9999万 carries to the next unit
        (None, "0"),
    ],
)
def test_counts(value, text):
    assert count_text(value) == text
    assert "," not in count_text(value)


@pytest.mark.parametrize(
    ("yuan", "text"),
    [
        (D("19370000000"), "193.7亿元"),  # the article's figures
        (D("3220000000.00"), "32.2亿元"),
        (D("714000000"), "7.14亿元"),
        (D("600000000"), "6亿元"),
        (D("200000000"), "2亿元"),
        (D("30510890000"), "305.11亿元"),  # was "305.1089亿元": at most two decimals
        (D("3120300000"), "31.2亿元"),  # was "约31.203亿元": never 约
        (D("18360000"), "1836万元"),  # was "1,836万元": no comma
        (D("35000"), "3.5万元"),
        (D("99999999"), "1亿元"),  # the rounding carries into 亿
        (D("9999.996"), "1万元"),
        (D("1234.567"), "1234.57元"),
        (D("0"), "0元"),
        (D("-25000000"), "-2500万元"),
    ],
)
def test_money(yuan, text):
    assert amount_text(yuan) == text


def test_exact_values_keep_every_digit():
    assert amount_exact(D("19370000000")) == "19,370,000,000.00元"
    assert amount_exact(D("19370000000.015")) == "19,370,000,000.015元"
    assert count_exact(14900) == "14,900"


def test_filters_show_the_text_and_the_exact_value_on_hover():
    html = Template(
        "{{ a|money }}|{{ n|count }}|{{ small|count }}|{{ none|money }}|{{ a|money_text }}"
    ).render(Context({"a": D("19370000001"), "n": 14900, "small": 1236, "none": None}))
    assert html == (
        '<span class="amount" title="19,370,000,001.00元">193.7亿元</span>|'
        '<span class="count" title="14,900">1.49万</span>|1236||193.7亿元'
    )
