"""Every code an app raises is listed in its `ErrorCode`, unique, and in the API schema."""

import ast
import re
from importlib import import_module
from pathlib import Path

import pytest
from drf_spectacular.generators import SchemaGenerator

import shigan
from shigan.core.errors import DomainError, ErrorCodes, FieldCode, error_codes_by_app
from shigan.petitions.errors import ErrorCode as PetitionCode
from shigan.problems.errors import ErrorCode as ProblemCode
from shigan.problems.errors import ProblemError

SOURCE = Path(shigan.__file__).parent
APPS_WITH_ERRORS = {
    "accounts",
    "audit",
    "briefings",
    "campaigns",
    "core",
    "initiatives",
    "notifications",
    "orgs",
    "petitions",
    "problems",
    "research",
    "study",
}


def test_every_app_that_refuses_has_an_enum():
    assert set(error_codes_by_app()) == APPS_WITH_ERRORS


@pytest.mark.parametrize("label", sorted(APPS_WITH_ERRORS))
def test_codes_are_unique_and_spelled_alike(label):
    enum = error_codes_by_app()[label]
    # Two names with one value would make the second an alias, silently: one code, two names.
    aliases = [name for name, member in enum.__members__.items() if member.name != name]
    assert not aliases, f"{label}: {aliases} repeat a value"
    for member in enum:
        assert re.fullmatch(r"[a-z][a-z0-9_]*", member.value), member
        assert member.name == member.value.upper(), member


@pytest.mark.parametrize("label", sorted(APPS_WITH_ERRORS))
def test_the_app_error_class_names_its_enum(label):
    enum = error_codes_by_app()[label]
    module = import_module(enum.__module__)
    if label == "core":  # also the shared part: the base classes and the field codes
        classes = [module.CoreError, module.RowsRejected]
    else:
        classes = [getattr(module, name) for name in module.__all__ if name != "ErrorCode"]
        assert len(classes) == 1, "an app's errors module is its class and its enum"
    assert all(issubclass(c, DomainError) and c.codes is enum for c in classes)


def test_an_unlisted_code_cannot_be_raised():
    with pytest.raises(TypeError):
        ProblemError("x", code="closed")  # a plain string, even a listed one
    with pytest.raises(TypeError):
        ProblemError("x", code=PetitionCode.NOT_AGENT)  # another app's code
    with pytest.raises(TypeError):
        DomainError("x", code="closed")
    with pytest.raises(ValueError):
        ProblemCode("no_such_code")
    assert ProblemError("x", code=ProblemCode.CLOSED).code == "closed"
    # The bare class re-raises another app's error (a ledger row's refusal, relocated).
    assert DomainError("x", code=PetitionCode.NOT_AGENT).code == "not_agent"


def test_field_codes_are_a_pattern():
    assert ProblemError("x", code=FieldCode.required("title")).code == "title_required"
    assert FieldCode.too_long("short_name") == "short_name_too_long"
    assert re.fullmatch(FieldCode.PATTERN, FieldCode.required("new_deadline"))
    with pytest.raises(ValueError):
        FieldCode("title", "missing")
    with pytest.raises(ValueError):
        FieldCode("Title", "required")


def _literal_codes(path: Path) -> list[str]:
    """`code="…"` (or an f-string) given to an error in a module: it must be an enum member."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if not isinstance(node, ast.Call):
            continue
        callee = node.func.attr if isinstance(node.func, ast.Attribute) else node.func
        name = callee if isinstance(callee, str) else getattr(callee, "id", "")
        if not name.endswith(("Error", "Rejected")):
            continue
        for keyword in node.keywords:
            if keyword.arg == "code" and isinstance(keyword.value, ast.Constant | ast.JoinedStr):
                found.append(f"{path.relative_to(SOURCE)}:{node.lineno}")
    return found


def test_no_error_is_raised_with_a_literal_code():
    # Django form errors (forms.py, the form half of core/dates.py) never reach the API.
    modules = [
        path
        for path in SOURCE.rglob("*.py")
        if not {"tests", "migrations", "browser_tests"} & set(path.parts)
        and path.name not in ("forms.py", "dates.py")
    ]
    literal = [where for path in modules for where in _literal_codes(path)]
    assert not literal, literal


@pytest.fixture(scope="module")
def schema_and_endpoints():
    generator = SchemaGenerator()
    schema = generator.get_schema(request=None, public=True)
    return schema, generator._get_paths_and_endpoints()


def test_schema_lists_each_app_codes_under_its_400_answers(schema_and_endpoints):
    schema, endpoints = schema_and_endpoints
    components = schema["components"]["schemas"]
    codes = error_codes_by_app()
    seen = set()
    for path, _regex, method, view in endpoints:
        operation = schema["paths"].get(path, {}).get(method.lower())
        if operation is None:
            continue  # left out of the schema on purpose
        label = type(view).__module__.split(".")[1]
        refused = operation["responses"]["400"]
        ref = refused["content"]["application/json"]["schema"]["$ref"]
        if label not in codes:
            assert ref.endswith("/Error"), (path, method)
            continue
        name = f"{label.title()}Error"
        assert ref == f"#/components/schemas/{name}", (path, method)
        seen.add(label)
        enum = components[f"{name}Code"]["enum"]
        assert enum == [member.value for member in codes[label]], label
    # The apps with an API: every one's codes are documented under its own operations.
    assert {"accounts", "campaigns", "initiatives", "orgs", "petitions", "problems"} <= seen
    assert components["FieldErrorCode"]["pattern"] == FieldCode.PATTERN


def test_every_enum_is_an_error_codes(schema_and_endpoints):
    assert all(issubclass(enum, ErrorCodes) for enum in error_codes_by_app().values())
