"""Two people editing the same unit or person (core.edits): each save applies only the fields
its user changed, so edits of different fields both survive; a change over someone else's
change of the same field is refused, naming the field, and changes nothing."""

import threading
import time

import pytest
from django.db import connection, transaction
from django.urls import reverse

from shigan.audit.models import AuditEntry
from shigan.core.edits import EditedElsewhere
from shigan.core.tests.page_forms import opened
from shigan.orgs.choices import PersonRank, Role, UnitKind
from shigan.orgs.models import Unit
from shigan.orgs.services import person_create, unit_create, unit_update


@pytest.fixture
def editors(units, make_user):
    return make_user(Role.ADMIN, units["parent"]), make_user(Role.ADMIN, units["parent"])


@pytest.mark.django_db
def test_two_admins_edit_different_fields_of_a_unit_and_both_survive(units, editors):
    unit = units["own"]
    url = reverse("orgs:unit_edit", args=[unit.pk])
    (a, form_a), (b, form_b) = (opened(user, url, "name") for user in editors)
    assert a.post(url, {**form_a, "name": "阿巴嘎旗（新）"}).status_code == 302
    assert b.post(url, {**form_b, "short_name": "阿旗"}).status_code == 302
    unit.refresh_from_db()
    assert (unit.name, unit.short_name) == ("阿巴嘎旗（新）", "阿旗")


@pytest.mark.django_db
def test_a_unit_name_changed_meanwhile_refuses_the_second_change_of_it(units, editors):
    unit = units["own"]
    url = reverse("orgs:unit_edit", args=[unit.pk])
    (a, form_a), (b, form_b) = (opened(user, url, "name") for user in editors)
    assert a.post(url, {**form_a, "name": "阿巴嘎旗甲"}).status_code == 302
    entries = AuditEntry.objects.count()
    response = b.post(url, {**form_b, "name": "阿巴嘎旗乙", "short_name": "阿旗"})
    body = response.content.decode()
    assert response.status_code == 400
    assert "“名称”已被他人修改为“阿巴嘎旗甲”，请刷新后重新修改。" in body
    assert 'value="阿巴嘎旗乙"' in body  # the user's input is kept
    unit.refresh_from_db()
    assert (unit.name, unit.short_name) == ("阿巴嘎旗甲", "")
    assert AuditEntry.objects.count() == entries


@pytest.mark.django_db
def test_two_editors_edit_different_fields_of_a_person_and_both_survive(units, editors):
    person = person_create(
        actor=editors[0], unit=units["own"], name="孟和", rank=PersonRank.SECTION
    )
    url = reverse("orgs:person_edit", args=[units["own"].pk, person.pk])
    (a, form_a), (b, form_b) = (opened(user, url, "phone") for user in editors)
    assert a.post(url, {**form_a, "name": "孟和巴雅尔"}).status_code == 302
    assert b.post(url, {**form_b, "phone": "13904791234"}).status_code == 302
    person.refresh_from_db()
    assert (person.name, person.phone) == ("孟和巴雅尔", "13904791234")


@pytest.mark.django_db
def test_a_person_phone_changed_meanwhile_refuses_the_second_change_of_it(units, editors):
    person = person_create(
        actor=editors[0], unit=units["own"], name="乌云", rank=PersonRank.SECTION
    )
    url = reverse("orgs:person_edit", args=[units["own"].pk, person.pk])
    (a, form_a), (b, form_b) = (opened(user, url, "phone") for user in editors)
    assert a.post(url, {**form_a, "phone": "13904791234"}).status_code == 302
    response = b.post(url, {**form_b, "phone": "13904795678", "post": "旗长"})
    assert response.status_code == 400
    assert "“联系电话”已被他人修改为“13904791234”" in response.content.decode()
    person.refresh_from_db()
    assert (person.phone, person.post) == ("13904791234", "")


@pytest.mark.django_db
def test_a_post_without_the_shown_values_is_applied_as_before(client, units, editors):
    # An older page, or a script posting every field: nothing to compare, the form applies.
    client.force_login(editors[0])
    url = reverse("orgs:unit_edit", args=[units["own"].pk])
    data = {"name": "阿巴嘎旗", "short_name": "阿旗", "kind": units["own"].kind, "active": "on"}
    assert client.post(url, data).status_code == 302
    assert Unit.objects.get(pk=units["own"].pk).short_name == "阿旗"


@pytest.mark.django_db(transaction=True)
def test_two_saves_of_the_same_field_at_once_let_exactly_one_through(system, make_user):
    """Two connections save a change of the same name, both from the same page, at once: the
    row lock makes the second wait for the first and then see its change."""
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: SQLite serialises write transactions, nothing concurrent")
    root = unit_create(actor=system, parent=None, name="并发编辑区", kind=UnitKind.PROVINCE)
    unit = unit_create(actor=system, parent=root, name="并发旗", kind=UnitKind.COUNTY)
    users = [make_user(Role.ADMIN, root) for _ in range(2)]
    barrier, outcomes = threading.Barrier(2), []

    def save(user, name):
        try:
            barrier.wait()
            unit_update(actor=user, unit=unit, name=name, seen={"name": "并发旗"})
            outcomes.append("saved")
        except EditedElsewhere as error:
            outcomes.append(error.fields)
        finally:
            connection.close()  # this thread's own connection

    threads = [
        threading.Thread(target=save, args=pair)
        for pair in zip(users, ("甲旗", "乙旗"), strict=True)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(map(str, outcomes)) == ["['name']", "saved"]
    assert Unit.objects.get(pk=unit.pk).name in ("甲旗", "乙旗")


@pytest.mark.django_db(transaction=True)
def test_an_api_patch_waiting_for_the_lock_keeps_the_fields_it_did_not_send(system, make_user):
    """A PATCH of the short name, read while another save of the name held the row: it used to
    write back the name it had read, undoing the other save once it got the lock."""
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: SQLite serialises write transactions, nothing concurrent")
    from rest_framework.test import APIClient

    root = unit_create(actor=system, parent=None, name="接口编辑区", kind=UnitKind.PROVINCE)
    unit = unit_create(actor=system, parent=root, name="接口旗", kind=UnitKind.COUNTY)
    api = APIClient()
    api.force_authenticate(make_user(Role.ADMIN, root))
    answers = []

    def patch():
        try:
            answers.append(api.patch(f"/api/units/{unit.pk}/", {"short_name": "接旗"}, "json"))
        finally:
            connection.close()  # this thread's own connection

    thread = threading.Thread(target=patch)
    with transaction.atomic():
        unit_update(actor=system, unit=unit, name="接口新旗")  # holds the row until commit
        thread.start()
        _wait_for_a_lock_wait()
    thread.join()
    assert answers[0].status_code == 200
    unit.refresh_from_db()
    assert (unit.name, unit.short_name) == ("接口新旗", "接旗")


def _wait_for_a_lock_wait(seconds: float = 20.0) -> None:
    """Until another connection waits for a row lock (this transaction's)."""
    deadline = time.monotonic() + seconds
    with connection.cursor() as cursor:
        while time.monotonic() < deadline:
            cursor.execute("SELECT pg_stat_clear_snapshot()")  # else read once a transaction
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity"
                " WHERE wait_event_type = 'Lock' AND datname = current_database()"
            )
            if cursor.fetchone()[0]:
                return
            time.sleep(0.05)
    raise AssertionError("the PATCH never waited for the lock")
