"""problem_update takes what the user saw (core.edits): a change over someone else's change of
the same field is refused, naming it; other fields are applied."""

import pytest

from shigan.accounts.system import system_actor
from shigan.audit.models import AuditEntry
from shigan.campaigns import services as campaigns
from shigan.campaigns.choices import AspectKind
from shigan.core.edits import EditedElsewhere
from shigan.problems import services

pytestmark = pytest.mark.django_db


def test_a_change_over_anothers_is_refused_and_changes_nothing(problem, editor, campaign):
    shown = problem.aspect
    other = campaigns.aspect_create(
        actor=system_actor("test"), campaign=campaign, kind=AspectKind.PROBLEM, name="作风"
    )
    services.problem_update(actor=editor, problem=problem, aspect=other)
    entries = AuditEntry.objects.count()
    with pytest.raises(EditedElsewhere) as refused:
        services.problem_update(
            actor=editor, problem=problem, aspect=shown, title="调研不深入", seen={"aspect": shown}
        )
    assert refused.value.fields == ["aspect"]
    assert "已被他人修改为“作风”" in refused.value.message
    problem.refresh_from_db()
    assert (problem.aspect, problem.title) == (other, "调研走过场")
    assert AuditEntry.objects.count() == entries
    services.problem_update(
        actor=editor, problem=problem, title="调研不深入", seen={"title": "调研走过场"}
    )
    problem.refresh_from_db()
    assert (problem.aspect, problem.title) == (other, "调研不深入")
