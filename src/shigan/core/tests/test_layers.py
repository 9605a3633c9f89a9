"""The layer contract (pyproject's [tool.importlinter]) holds today, and fails as soon as an app
imports one above it: checked on a copy of the code with one such import added."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import shigan
from shigan.audit.services import audit_record
from shigan.core import auditing

PACKAGE = Path(shigan.__file__).parent
ROOT = PACKAGE.parent.parent
LINT_IMPORTS = Path(sys.executable).parent / "lint-imports"


def _lint_imports(cwd: Path, pythonpath: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(pythonpath)}
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-cache"],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_the_layer_contract_holds():
    result = _lint_imports(ROOT, ROOT / "src")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "1 kept, 0 broken" in result.stdout


def test_a_new_upward_import_breaks_the_contract(tmp_path):
    shutil.copytree(
        PACKAGE,
        tmp_path / "src" / "shigan",
        ignore=shutil.ignore_patterns("*.pyc", "__pycache__", "static", "templates", "locale"),
    )
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    # core is the bottom floor: importing a pillar from it closes a cycle (problems imports core).
    (tmp_path / "src" / "shigan" / "core" / "upward.py").write_text(
        "from shigan.problems.models import Problem\n"
    )
    result = _lint_imports(tmp_path, tmp_path / "src")
    assert result.returncode == 1, result.stdout + result.stderr
    assert "shigan.core is not allowed to import shigan.problems" in result.stdout
    assert "shigan.core.upward -> shigan.problems.models" in result.stdout


def test_core_writes_its_audit_entries_through_the_audit_app():
    # core cannot import the audit app (a floor above): the audit app hands its recorder in.
    assert auditing._recorder is audit_record
