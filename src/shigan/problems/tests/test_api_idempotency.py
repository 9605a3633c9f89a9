"""An API write retried with the same Idempotency-Key is applied once (core.idempotency):
the retry gets the first answer back; a refused write frees its key; a key is the caller's own
and names one request."""

import pytest
from rest_framework.test import APIClient

from shigan.accounts.services import token_create
from shigan.core import submissions
from shigan.core.models import ApiRequest
from shigan.orgs.choices import Role
from shigan.problems.models import Problem

pytestmark = pytest.mark.django_db

URL = "/api/problems/problems/"


@pytest.fixture
def problem_body(units, campaign, aspect, calendar):
    return {
        "unit": units["own"].pk,
        "campaign": campaign.pk,
        "aspect": aspect.pk,
        "title": "接口重试登记的问题",
        "source": "self_inspection",
        "found_on": "2023-05-04",
        "deadline_workdays": 20,
        "first_measure": {"text": "建立制度"},
    }


def token_client(user) -> APIClient:
    _, key = token_create(actor=user, name="同步脚本")
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return api


def post(api, body, key, url=URL):
    return api.post(url, body, format="json", HTTP_IDEMPOTENCY_KEY=key)


def test_a_retry_gets_the_first_answer_and_saves_nothing_twice(editor, problem_body):
    api = token_client(editor)
    first = post(api, problem_body, "a1b2-retry")
    assert first.status_code == 201, first.json()
    again = post(api, problem_body, '"a1b2-retry"')  # quoted, as the IETF draft writes it
    assert again.status_code == 201
    assert again.json() == first.json()
    assert again["Idempotent-Replayed"] == "true" and not first.has_header("Idempotent-Replayed")
    assert Problem.objects.filter(title="接口重试登记的问题").count() == 1


def test_a_new_key_is_a_new_write(editor, problem_body):
    api = token_client(editor)
    assert post(api, problem_body, "one").status_code == 201
    assert post(api, problem_body, "two").status_code == 201
    assert Problem.objects.filter(title="接口重试登记的问题").count() == 2


def test_a_refused_write_frees_its_key_for_the_corrected_retry(editor, problem_body):
    api = token_client(editor)
    refused = post(api, {**problem_body, "title": ""}, "fix-and-retry")
    assert refused.status_code == 400 and refused.json()["field"] == "title"
    assert not ApiRequest.objects.exists()
    applied = post(api, problem_body, "fix-and-retry")
    assert applied.status_code == 201 and not applied.has_header("Idempotent-Replayed")
    assert Problem.objects.filter(title="接口重试登记的问题").count() == 1


def test_a_key_names_one_request(editor, problem_body):
    api = token_client(editor)
    assert post(api, problem_body, "k").status_code == 201
    pk = Problem.objects.get(title="接口重试登记的问题").pk
    other = post(api, {"text": "再加一条"}, "k", url=f"{URL}{pk}/measures/")
    assert other.status_code == 422
    body = other.json()
    assert body["code"] == "idempotency_key_reused" and body["field"] == "Idempotency-Key"
    assert f"POST {URL}" in body["detail"]
    assert Problem.objects.get(pk=pk).measures.count() == 1


def test_keys_are_the_callers_own(editor, make_user, units, problem_body):
    colleague = make_user(Role.EDITOR, units["own"])
    assert post(token_client(editor), problem_body, "same").status_code == 201
    theirs = post(token_client(colleague), problem_body, "same")
    assert theirs.status_code == 201 and not theirs.has_header("Idempotent-Replayed")
    assert Problem.objects.filter(title="接口重试登记的问题").count() == 2


def test_a_session_caller_is_covered_too(client, editor, problem_body):
    client.force_login(editor)
    for _ in range(2):
        response = client.post(
            URL, problem_body, content_type="application/json", HTTP_IDEMPOTENCY_KEY="s1"
        )
        assert response.status_code == 201
    assert Problem.objects.filter(title="接口重试登记的问题").count() == 1


def test_a_retry_while_the_first_is_running_is_told_to_wait(editor, problem_body, monkeypatch):
    api = token_client(editor)
    monkeypatch.setattr(submissions, "WAIT_SECONDS", 0.3)
    assert post(api, problem_body, "warm-up").status_code == 201
    principal = ApiRequest.objects.get().principal
    ApiRequest.objects.create(principal=principal, key="busy", request=f"POST {URL}")
    response = post(api, problem_body, "busy")
    assert response.status_code == 409
    assert response.json()["code"] == "idempotency_key_in_use"
    assert Problem.objects.filter(title="接口重试登记的问题").count() == 1


@pytest.mark.parametrize("key", ["", "中文键", "x" * 256])
def test_a_malformed_key_is_refused_and_nothing_is_saved(editor, problem_body, key):
    response = post(token_client(editor), problem_body, key)
    assert response.status_code == 400
    assert response.json()["code"] == "idempotency_key_invalid"
    assert not Problem.objects.filter(title="接口重试登记的问题").exists()
