"""The schema and the docs pages are served from this server alone: no CDN, no external URL;
and only to logged-in users unless the operator opens them (issue 16)."""

import re

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.management import call_command
from drf_spectacular.drainage import GENERATOR_STATS
from drf_spectacular.management.commands.spectacular import SchemaGenerationError

pytestmark = pytest.mark.django_db

EXTERNAL = re.compile(r"""(?:src|href)\s*=\s*["']?(?:https?:)?//""", re.I)
ASSET = re.compile(r"""(?:src|href)\s*=\s*["']([^"']+)["']""")


@pytest.fixture
def client(client, make_user):
    client.force_login(make_user())
    return client


@pytest.mark.parametrize("url", ["/api/schema/", "/api/docs/", "/api/redoc/"])
def test_schema_and_docs_need_a_login(url, settings):
    from django.test import Client

    anonymous = Client()
    assert anonymous.get(url).status_code in (401, 403)
    settings.SHIGAN_API_DOCS_PUBLIC = True  # the operator opens them
    assert anonymous.get(url).status_code == 200


@pytest.mark.parametrize("url", ["/api/docs/", "/api/redoc/"])
def test_docs_pages_use_vendored_files_only(client, url):
    response = client.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    assert not EXTERNAL.search(html), EXTERNAL.search(html)
    assert not re.search(r"https?://", html), re.search(r"https?://\S+", html)
    assert not re.search(r"\bcdn\b|cdn\.|//cdn", html, re.I)  # not a random token
    assert "validator.swagger.io" not in html
    assets = [a for a in ASSET.findall(html) if a.startswith("/static/")]
    assert assets, "the page should load its scripts from /static/"
    for asset in assets:
        assert finders.find(asset.removeprefix("/static/")), asset


def test_schema_is_served(client):
    response = client.get("/api/schema/?format=json")
    assert response.status_code == 200
    schema = response.json()
    for path in ("/api/units/{id}/children/", "/api/memberships/", "/api/tokens/{id}/"):
        assert path in schema["paths"]
    assert "tokenAuth" in schema["components"]["securitySchemes"]


@pytest.mark.parametrize("language", [code for code, _ in settings.LANGUAGES])
def test_schema_generates_without_warnings(tmp_path, capsys, language):
    """Every component and enum has one unambiguous name, in every language.

    A name clash (two serializers called `ReportInput`) makes drf-spectacular point both
    operations at one of them; a clash of enum names gives hashed names (`Kind1b6Enum`). Both
    only show as warnings, which `--fail-on-warn` turns into an error.
    """
    GENERATOR_STATS.reset()  # warnings are counted per process: only this build's should count
    try:
        call_command(
            "spectacular",
            "--validate",
            "--fail-on-warn",
            "--lang",
            language,
            "--file",
            str(tmp_path / "schema.yml"),
        )
    except SchemaGenerationError:
        pytest.fail(f"the schema has warnings:\n{capsys.readouterr().err}")
    assert (tmp_path / "schema.yml").read_text().startswith("openapi:")
