import datetime

import pytest

from shigan.accounts.system import system_actor
from shigan.audit.models import AuditEntry
from shigan.core.errors import DomainError
from shigan.orgs.choices import Role
from shigan.problems.models import Measure
from shigan.problems.services import measure_add, problem_create

pytestmark = pytest.mark.django_db

D = datetime.date(2023, 5, 4)


@pytest.fixture
def problem(units):
    return problem_create(
        actor=system_actor("test"), unit=units["own"], title="问题", source="research", found_on=D
    )


def test_measure_is_added_with_its_audit_entry(problem, units, make_user):
    editor = make_user(Role.EDITOR, units["own"])
    measure = measure_add(actor=editor, problem=problem, text=" 建立台账 ", added_on=D)
    assert measure.text == "建立台账" and problem.measures.count() == 1
    assert AuditEntry.objects.filter(action="problems.measure.added", target_id=str(measure.pk))


@pytest.mark.parametrize(
    ("kwargs", "code"),
    [
        ({"text": "  "}, "text_required"),
    ],
)
def test_bad_measures_are_refused_and_write_nothing(problem, units, make_user, kwargs, code):
    editor = make_user(Role.EDITOR, units["own"])
    args = {"text": "整改", "added_on": D, **kwargs}
    with pytest.raises(DomainError) as exc:
        measure_add(actor=editor, problem=problem, **args)
    assert exc.value.code == code
    assert not Measure.objects.exists()


def test_another_banners_editor_cannot_add_measures(problem, units, make_user):
    outsider = make_user(Role.EDITOR, units["sibling"])
    with pytest.raises(DomainError) as exc:
        measure_add(actor=outsider, problem=problem, text="整改", added_on=D)
    assert exc.value.code == "forbidden"
