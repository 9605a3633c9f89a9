"""Issue 17's house rules, kept by a test rather than by memory: no module of the product over
600 lines and no function over 60 (tests, browser tests and migrations aside)."""

import ast
from pathlib import Path

import shigan

MODULE_LINES = 600
FUNCTION_LINES = 60
NOT_PRODUCT = {"tests", "browser_tests", "migrations"}


def product_modules(root: Path) -> list[Path]:
    return sorted(
        path for path in root.rglob("*.py") if not NOT_PRODUCT & set(path.relative_to(root).parts)
    )


def oversize(paths: list[Path]) -> list[str]:
    found = []
    for path in paths:
        text = path.read_text(encoding="utf-8")
        if (lines := len(text.splitlines())) > MODULE_LINES:
            found.append(f"{path}: {lines} lines")
        for node in ast.walk(ast.parse(text)):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                length = (node.end_lineno or node.lineno) - node.lineno + 1
                if length > FUNCTION_LINES:
                    found.append(f"{path}:{node.lineno} {node.name}(): {length} lines")
    return found


def test_no_module_or_function_is_over_its_size():
    root = Path(shigan.__file__).parent
    modules = product_modules(root)
    assert len(modules) > 300  # the walk found the product
    assert oversize(modules) == []


def test_the_check_finds_a_long_module_and_a_long_function(tmp_path):
    body = "\n".join(f"    x{n} = {n}" for n in range(FUNCTION_LINES))
    (tmp_path / "long.py").write_text(f"def long():\n{body}\n" + "\n" * MODULE_LINES)
    (tmp_path / "tests").mkdir()
    (tmp_path / "tests" / "test_long.py").write_text("\n" * (MODULE_LINES + 1))
    found = oversize(product_modules(tmp_path))
    assert len(found) == 2
    assert "lines" in found[0] and "long(): 61 lines" in found[1]
