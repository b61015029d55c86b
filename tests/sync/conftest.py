"""Sync fixtures: a shop with a thousand claims in its outbox (the real portal, `portal`, is
tests/liveportal's)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.sync.engine_helpers import build_template, copy_database
from warranty_desk.storage.database import Database

# Claims in the shared template: enough for a thousand-claim push, built once per session.
TEMPLATE_CLAIMS = 1000


@pytest.fixture(scope="session")
def claims_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A database file with TEMPLATE_CLAIMS claims opened and rejected through the services."""
    return build_template(tmp_path_factory.mktemp("claims-template"), TEMPLATE_CLAIMS)


@pytest.fixture
def claims_db(claims_template: Path, tmp_path: Path) -> Iterator[Database]:
    """A private copy of the thousand-claim database."""
    db = copy_database(claims_template, tmp_path / "home")
    yield db
    db.dispose()
