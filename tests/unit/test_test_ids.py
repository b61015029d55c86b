"""Every collected test has its own node id: pytest-xdist schedules by id, so tests sharing
one would run once between them (make test runs on several workers)."""

from __future__ import annotations

from collections import Counter

import pytest


def test_no_two_collected_tests_share_a_node_id(request: pytest.FixtureRequest) -> None:
    ids = Counter(item.nodeid for item in request.session.items)
    shared = {nodeid: n for nodeid, n in ids.items() if n > 1}
    assert not shared, f"tests sharing a node id (xdist would run one of each): {shared}"
