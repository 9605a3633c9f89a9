"""Issue 16 point 7: briefing templates render under limits on loop steps, output size and
time; a template whose sample render breaks one is refused when it is saved, quickly."""

import time

import pytest

from shigan.briefings import sandbox
from shigan.briefings.defaults import DEFAULT_TEXT
from shigan.briefings.limits import MAX_OUTPUT_CHARS
from shigan.briefings.models import BriefingTemplate
from shigan.briefings.services import BriefingError, briefing_template_save

pytestmark = pytest.mark.django_db

NESTED_LOOPS = (
    '{% with s="abcdefghijklmnopqrstuvwxyz" %}{% for a in s %}{% for b in s %}{% for c in s %}'
    "{% for d in s %}{% for e in s %}{{ unit }}{% endfor %}{% endfor %}{% endfor %}{% endfor %}"
    "{% endfor %}{% endwith %}"
)
DOUBLING = (
    '{% with a=unit|ljust:"100" %}{% with b=a|add:a %}{% with c=b|add:b %}{% with d=c|add:c %}'
    "{% with e=d|add:d %}{% with f=e|add:e %}{% with g=f|add:f %}{% with h=g|add:g %}"
    "{% with i=h|add:h %}{% with j=i|add:i %}{% with k=j|add:j %}{% with l=k|add:k %}"
    "{{ l }}{% endwith %}{% endwith %}{% endwith %}{% endwith %}{% endwith %}{% endwith %}"
    "{% endwith %}{% endwith %}{% endwith %}{% endwith %}{% endwith %}{% endwith %}"
)
WIDE_LOOP = (
    '{% with a=unit|ljust:"200" %}{% with b=a|add:a %}{% with c=b|add:b %}{% with d=c|add:c %}'
    "{% for x in d %}{{ d }}{% endfor %}{% endwith %}{% endwith %}{% endwith %}{% endwith %}"
)


@pytest.mark.parametrize(
    ("text", "words"),
    [
        (NESTED_LOOPS, "循环次数超过 10000 次的上限"),
        ('{{ unit|center:"1000000000" }}', "上限"),
        ('{{ as_of|stringformat:"01000000000d" }}', "上限"),
        ('{{ study_leaders.value|floatformat:"100000000" }}', "上限"),
        (DOUBLING, f"超过 {MAX_OUTPUT_CHARS} 字的上限"),
        (WIDE_LOOP, f"超过 {MAX_OUTPUT_CHARS} 字的上限"),
    ],
)
def test_a_template_breaking_a_limit_is_refused_on_save(office, world, text, words):
    started = time.monotonic()
    with pytest.raises(BriefingError, match=words) as refused:
        briefing_template_save(actor=office, campaign=world["campaign"], name="周报", text=text)
    assert time.monotonic() - started < 2.0  # the 3.7 s of the assessment, bounded
    assert refused.value.field == "text"
    assert not BriefingTemplate.objects.filter(name="周报").exists()


def test_the_default_template_renders_within_the_limits():
    assert sandbox.check_template(DEFAULT_TEXT) == []
    text = sandbox.render_template(DEFAULT_TEXT, sandbox.sample_context())
    assert len(text) > 200


def test_ordinary_filters_still_work():
    context = sandbox.sample_context()
    out = sandbox.render_template('{{ unit|ljust:"6" }}|{{ unit|make_list|join:"、" }}', context)
    assert out == "某单位   |某、单、位"
