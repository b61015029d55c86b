"""The status bar's sync words: what each state says, in words and never by colour alone."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from PySide6.QtWidgets import QInputDialog, QWidget
from pytestqt.qtbot import QtBot

from ui.screens.sync_panel import ask_handled
from ui.sync.panel_models import topic_words
from ui.sync.status import IndicatorState, SyncSnapshot, indicator_words
from warranty_desk.services.inbox import AppliedResult
from warranty_desk.services.sync_admin import SyncStatus

NOW = datetime(2026, 11, 22, 9, 50, tzinfo=UTC)
ZONE = "Europe/London"


def _portal(pending: int = 0, parked: int = 0, synced: datetime | None = None) -> SyncStatus:
    return SyncStatus("portal", 10, pending, parked, 0, synced, synced, None)


def _words(state: IndicatorState) -> tuple[str, str]:
    return indicator_words(state, ZONE, NOW)


def test_a_till_without_a_portal_says_sync_is_off() -> None:
    assert _words(IndicatorState(SyncSnapshot(set_up=False))) == (
        "Sync off (not set up)", "info")


def test_online_and_everything_sent_says_when_in_the_shops_time() -> None:
    synced = datetime(2026, 11, 22, 9, 42, tzinfo=UTC)
    state = IndicatorState(SyncSnapshot(True, destinations=(_portal(synced=synced),)),
                           online=True)
    assert _words(state) == ("Online · synced 09:42", "success")


def test_an_earlier_day_is_named_with_the_time() -> None:
    synced = datetime(2026, 11, 20, 17, 5, tzinfo=UTC)
    state = IndicatorState(SyncSnapshot(True, destinations=(_portal(synced=synced),)),
                           online=True)
    assert _words(state)[0] == "Online · synced 20 Nov 17:05"


def test_offline_counts_what_waits() -> None:
    state = IndicatorState(SyncSnapshot(True, destinations=(_portal(pending=34),)),
                           online=False)
    assert _words(state) == ("Offline · 34 waiting", "warning")


def test_before_the_first_cycle_only_the_count_is_said() -> None:
    state = IndicatorState(SyncSnapshot(True, destinations=(_portal(pending=12),)))
    assert _words(state) == ("12 waiting", "info")


def test_refused_events_and_inbox_problems_need_attention() -> None:
    snapshot = SyncSnapshot(True, destinations=(_portal(parked=1, synced=NOW),),
                            inbox_problems=1)
    text, level = _words(IndicatorState(snapshot, online=True))
    assert text == "Online · synced 09:50 · 2 need attention"
    assert level == "warning"


def test_a_failed_cycle_says_sync_stopped() -> None:
    state = IndicatorState(SyncSnapshot(True, destinations=(_portal(),)), online=True,
                           failure="Sync needs the portal's sync token, and none is stored.")
    assert _words(state) == ("Sync stopped", "error")


def test_event_topics_read_as_words() -> None:
    assert topic_words("claim.evidence_added") == "Claim evidence added"


@pytest.mark.parametrize(("kind", "words"), [
    ("extension_requested", "Customer request web-9 (extension requested) waits for a person."),
    ("claim_started", "Inbox item web-9 (claim started) could not be used here."),
])
def test_marking_an_item_dealt_with_names_a_customers_request_as_one(
    qtbot: QtBot, monkeypatch: pytest.MonkeyPatch, kind: str, words: str
) -> None:
    asked: list[str] = []

    def answer(parent: object, title: str, label: str) -> tuple[str, bool]:
        asked.append(label)
        return "done at the counter", True

    monkeypatch.setattr(QInputDialog, "getText", answer)
    item = AppliedResult("web-9", kind, "problem", "problem: the customer asked")
    assert ask_handled(QWidget(), item) == "done at the counter"
    assert asked[0].splitlines()[0] == words
