"""Every outbox payload a service test makes is checked against the sync contract's schemas."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.unit.payload_contract import Watch
from warranty_desk.services import outbox


@pytest.fixture(autouse=True)
def payloads_meet_the_contract(monkeypatch: pytest.MonkeyPatch) -> Iterator[Watch]:
    """Fails the test whose services wrote a payload the contract refuses or does not name."""
    watch = Watch()
    monkeypatch.setattr(outbox, "fields", watch.wrap(outbox.fields))
    yield watch
    assert not watch.found, "Outbox payloads break the sync contract:\n" + "\n".join(watch.found)
