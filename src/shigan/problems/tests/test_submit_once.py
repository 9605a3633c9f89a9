"""core.submissions, on a problem's measure form: a form submitted twice (a double tap on a
slow phone, a retry, the back button) is applied once; the repeat is sent where the first
submission led, and says so."""

from django.contrib.messages import get_messages
from django.urls import reverse

from shigan.core import submissions
from shigan.core.models import Submission
from shigan.problems.models import Measure

KEY = "0123456789abcdef0123456789abcdef"


def _post(client, problem, text="建立调研台账", key=KEY):
    data = {"text": text, "added_on": "2023-05-05", submissions.FIELD: key}
    return client.post(reverse("problems:measure_create", args=[problem.pk]), data)


def test_the_same_form_twice_is_saved_once(client, editor, problem):
    client.force_login(editor)
    first = _post(client, problem)
    again = _post(client, problem)
    assert first.status_code == again.status_code == 302
    assert again["Location"] == first["Location"]
    assert Measure.objects.filter(problem=problem).count() == 1
    shown = [str(m) for m in get_messages(again.wsgi_request)]
    assert "这份表单已经提交过，没有重复保存。" in shown
    # Another form (a new key) is another submission.
    _post(client, problem, text="完善调研制度", key="f" * 32)
    assert Measure.objects.filter(problem=problem).count() == 2


def test_a_refused_form_can_be_sent_again(client, editor, problem):
    client.force_login(editor)
    assert _post(client, problem, text="").status_code == 400  # nothing saved: key released
    assert _post(client, problem).status_code == 302
    assert Measure.objects.filter(problem=problem).count() == 1


def test_a_repeat_while_the_first_is_saving_waits_then_says_so(
    client, editor, problem, monkeypatch
):
    monkeypatch.setattr(submissions, "WAIT_SECONDS", 0.3)
    Submission.objects.create(user=editor, key=KEY)  # the first, still being applied
    client.force_login(editor)
    response = _post(client, problem)
    assert response.status_code == 409
    assert "上一次提交还在保存" in response.content.decode()
    assert not Measure.objects.filter(problem=problem).exists()


def test_forms_without_a_key_and_htmx_requests_are_not_concerned(client, editor, problem):
    client.force_login(editor)
    url = reverse("problems:measure_create", args=[problem.pk])
    data = {"text": "建立调研台账", "added_on": "2023-05-05"}
    client.post(url, data)
    client.post(url, data)
    client.post(url, {**data, submissions.FIELD: KEY}, HTTP_HX_REQUEST="true")
    client.post(url, {**data, submissions.FIELD: KEY}, HTTP_HX_REQUEST="true")
    assert Measure.objects.filter(problem=problem).count() == 4
    assert not Submission.objects.exists()
