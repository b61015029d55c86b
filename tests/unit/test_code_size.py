"""Product modules stay small: none over 500 lines, no function over 80, migrations aside."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("warranty_desk", "ui", "printing", "sync", "portal")
MAX_MODULE_LINES = 500
MAX_FUNCTION_LINES = 80
# Names of code that was taken apart and must not come back.
GONE = {"_Joined"}


def _modules() -> list[Path]:
    found: list[Path] = []
    for package in PACKAGES:
        found += [p for p in sorted((ROOT / package).rglob("*.py")) if "migrations" not in p.parts]
    return found


def breaches(source: str) -> list[str]:
    """What in one module's source is over its size, or a name that is gone, in words."""
    found = []
    lines = len(source.splitlines())
    if lines > MAX_MODULE_LINES:
        found.append(f"{lines} lines (at most {MAX_MODULE_LINES})")
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            # A function's lines run from its first decorator to its last line.
            first = min([node.lineno, *(d.lineno for d in node.decorator_list)])
            length = (node.end_lineno or node.lineno) - first + 1
            if length > MAX_FUNCTION_LINES:
                found.append(f"line {first}: {node.name}() has {length} lines "
                             f"(at most {MAX_FUNCTION_LINES})")
        name = (node.name if isinstance(node, ast.ClassDef | ast.FunctionDef) else
                node.id if isinstance(node, ast.Name) else
                node.attr if isinstance(node, ast.Attribute) else None)
        if name in GONE:
            found.append(f"line {node.lineno}: {name} is back")
    return found


def test_the_measure_finds_a_long_module_a_long_function_and_a_name_that_is_gone() -> None:
    long_function = "@decorator\ndef long():\n" + "    x = 1\n" * 79
    short_function = "def short():\n" + "    x = 1\n" * 79
    assert breaches(long_function) == ["line 1: long() has 81 lines (at most 80)"]
    assert breaches(short_function) == []
    assert breaches("x = 1\n" * 501) == ["501 lines (at most 500)"]
    assert breaches("x = 1\n" * 500) == []
    assert breaches("class _Joined:\n    pass\n") == ["line 1: _Joined is back"]


def test_no_product_module_or_function_is_over_its_size() -> None:
    found = [f"{path.relative_to(ROOT)}: {problem}"
             for path in _modules() for problem in breaches(path.read_text(encoding="utf-8"))]
    assert not found, ("Split these by what they hold (a module) or into named steps (a "
                       "function):\n" + "\n".join(found))
