"""The README and docs/ hold up in a fresh clone: links resolve, named files exist."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
ARCHITECTURE = ROOT / "docs" / "architecture.md"

_LINK = re.compile(r"\]\(([^)\s]+)\)")
# A `code` span that names a file, folder or function of the repository, e.g.
# `sync/engine.py` or `services/lookup.lookup` (inside the core, warranty_desk/ may be left out).
_PATH = re.compile(r"`((?:warranty_desk|ui|printing|sync|tests|resources|packaging|docs|services|"
                   r"rules|models|storage)/[\w./-]*)`")
_CORE_PARTS = ("services/", "rules/", "models/", "storage/")


def _exists(named: str) -> bool:
    path = "warranty_desk/" + named if named.startswith(_CORE_PARTS) else named
    folder, _, leaf = path.rstrip("/").rpartition("/")
    module = leaf.split(".")[0]  # `lookup.lookup` and `lookup.py` are both lookup.py
    return any((ROOT / folder / name).exists() for name in (leaf, module, module + ".py"))


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.name)
def test_every_link_points_to_a_file_in_the_repository(page: Path) -> None:
    for target in _LINK.findall(page.read_text(encoding="utf-8")):
        if target.startswith(("http://", "https://", "mailto:", "#")):
            continue
        found = (page.parent / target.split("#")[0]).resolve()
        assert found.is_relative_to(ROOT), f"{page.name} links outside the clone: {target}"
        assert found.exists(), f"{page.name} links to a missing file: {target}"


def test_the_readme_links_the_architecture_page_and_the_demo_home() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "](docs/architecture.md)" in readme
    assert "--home .demo-home" in readme
    # A clone has nothing beside it: no page may send the reader out of it.
    assert "../" not in readme


def test_the_architecture_page_names_only_files_that_exist() -> None:
    named = set(_PATH.findall(ARCHITECTURE.read_text(encoding="utf-8")))
    assert len(named) > 30
    missing = sorted(p for p in named if not _exists(p))
    assert missing == []


@pytest.mark.parametrize("heading", [
    "## Layers and dependency rules", "## Time", "### A scan at the counter",
    "### A claim decision", "### A sync push", "## Where to add", "**A report.**",
    "**A sync destination.**", "**An import format.**", "**A screen.**",
    "**A printed document.**",
])
def test_the_architecture_page_has_its_parts(heading: str) -> None:
    assert heading in ARCHITECTURE.read_text(encoding="utf-8")
