"""docs/guide/ holds up: a page per role, pictures and links found, keys the app binds."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
GUIDE = ROOT / "docs" / "guide"
# The roles of issue 21, each with its page; the index and the failures page beside them.
ROLE_PAGES = ("sales-staff.md", "storekeeper.md", "technician.md", "customer-support.md",
              "manager.md", "finance.md", "owner.md", "admin.md", "head-office-staff.md")
PAGES = sorted(GUIDE.glob("*.md"))

_LINK = re.compile(r"(!?)\[[^\]]*\]\(([^)\s]+)\)")
_CODE = re.compile(r"`([^`\n]+)`")
# What reads as a key in a `code` span: a chord, a function key, a named key, a single letter.
_KEYISH = re.compile(r"^(?:(?:Ctrl|Shift|Alt)\+)+\S+$|^F\d{1,2}$"
                     r"|^(?:Enter|Return|Esc|Del|Tab|Up|Down|Space|PgUp|PgDown|Shift|Ctrl)$|^[A-Z]$")
# Keys every widget has without a binding of the app's own.
_PLAIN = {"Enter", "Esc", "Tab", "Shift+Tab", "Up", "Down", "Space", "Shift", "Ctrl"}


def _norm(key: str) -> str:
    return key.strip().replace("Return", "Enter")


def _help_keys() -> set[str]:
    """Every key the F1 list names on some screen, and the screens' own keys."""
    from ui.screens.registry import SCREENS

    keys: set[str] = set()
    for spec in SCREENS:
        keys.add(spec.shortcut)
        for key, _words in spec.load().help_keys:
            for part in key.split("/"):
                keys.add(re.sub(r"\s*\(.*\)$", "", part.strip()))
    return keys


def _bound_in_source() -> set[str]:
    """Keys the ui code binds or names: bind_key's literal keys, *_KEY constants, QKeySequence
    literals and the one-letter answers of the Mark back dialog."""
    keys: set[str] = set()
    for path in (ROOT / "ui").rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Call):
                name = getattr(node.func, "id", getattr(node.func, "attr", ""))
                args = node.args[1:2] if name == "bind_key" else (
                    node.args[:1] if name == "QKeySequence" else [])
                keys |= {a.value for a in args if isinstance(a, ast.Constant)
                         and isinstance(a.value, str)}
            elif isinstance(node, ast.Assign):
                for target in node.targets:
                    names = target.elts if isinstance(target, ast.Tuple) else [target]
                    values = (node.value.elts if isinstance(node.value, ast.Tuple)
                              else [node.value])
                    for n, v in zip(names, values, strict=False):
                        if (isinstance(n, ast.Name) and n.id.endswith("_KEY")
                                and isinstance(v, ast.Constant) and isinstance(v.value, str)):
                            keys.add(v.value)
    from ui.widgets.mark_back_dialog import OUTCOMES

    return keys | {letter for letter, _words, _summary in OUTCOMES.values()}


@pytest.fixture(scope="module")
def app_keys() -> set[str]:
    return {_norm(k) for k in _help_keys() | _bound_in_source() | _PLAIN if k}


def _slug(heading: str) -> str:
    """The anchor a Markdown heading gets (GitHub's rule: lower case, punctuation dropped)."""
    text = re.sub(r"[^\w\- ]", "", heading.strip().lower())
    return text.replace(" ", "-")


def _anchors(page: Path) -> set[str]:
    return {_slug(line.lstrip("#")) for line in page.read_text(encoding="utf-8").splitlines()
            if line.startswith("#")}


@pytest.mark.parametrize("name", [*ROLE_PAGES, "README.md", "when-things-fail.md"])
def test_every_role_has_its_page_and_the_index_links_it(name: str) -> None:
    page = GUIDE / name
    assert page.is_file(), f"docs/guide/{name} is missing"
    assert page.read_text(encoding="utf-8").startswith("# ")
    if name != "README.md":
        assert f"]({name})" in (GUIDE / "README.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.name)
def test_every_picture_and_link_resolves_to_a_file_and_heading(page: Path) -> None:
    text = page.read_text(encoding="utf-8")
    for bang, target in _LINK.findall(text):
        if target.startswith(("http://", "https://", "mailto:")):
            continue
        path, _, anchor = target.partition("#")
        found = (page.parent / path).resolve() if path else page
        assert found.is_relative_to(ROOT), f"{page.name} links outside the clone: {target}"
        assert found.exists(), f"{page.name} links to a missing file: {target}"
        if bang:
            assert found.suffix == ".png" and found.stat().st_size > 1000, target
        if anchor and found.suffix == ".md":
            assert anchor in _anchors(found), f"{page.name}: no heading for {target}"


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.name)
def test_every_key_the_guide_names_is_one_the_app_binds(page: Path, app_keys: set[str]) -> None:
    named = {span for span in _CODE.findall(page.read_text(encoding="utf-8"))
             if _KEYISH.match(span)}
    unknown = sorted(k for k in named if _norm(k) not in app_keys)
    assert unknown == [], f"{page.name} names keys the app does not bind: {unknown}"


def test_each_role_page_says_what_to_do_when_things_fail() -> None:
    for name in ROLE_PAGES:
        text = (GUIDE / name).read_text(encoding="utf-8")
        assert "## When something fails" in text, name
        assert "](when-things-fail.md" in text, name


def test_every_guide_screenshot_is_shown_on_some_page() -> None:
    shown = {(page.parent / target).resolve() for page in PAGES
             for bang, target in _LINK.findall(page.read_text(encoding="utf-8")) if bang}
    taken = set((ROOT / "docs" / "screenshots" / "guide").glob("*.png"))
    assert taken, "make screenshots writes docs/screenshots/guide/"
    assert sorted(p.name for p in taken - shown) == []


def test_the_readme_links_the_guide() -> None:
    assert "](docs/guide/README.md)" in (ROOT / "README.md").read_text(encoding="utf-8")
