"""The status bar's sync words for a shop working alone: its own mail server, no head office."""

from __future__ import annotations

from datetime import UTC, datetime

from ui.sync.status import (
    IndicatorState,
    SyncSnapshot,
    alone_line,
    background_words,
    indicator_words,
)
from warranty_desk.services.sync_admin import SyncStatus

NOW = datetime(2026, 11, 22, 11, 0, tzinfo=UTC)
ZONE = "Europe/London"


def _sender(name: str = "mail", pending: int = 0, sent: datetime | None = None,
            parked: int = 0) -> SyncStatus:
    return SyncStatus(name, 4, pending, parked, 0, sent, sent, None)


def _alone(*senders: SyncStatus, failed: int = 0) -> SyncSnapshot:
    return SyncSnapshot(True, destinations=senders or (_sender(),), messages_failed=failed,
                        alone=True)


def _words(snapshot: SyncSnapshot, online: bool | None = None,
           syncing: bool = False) -> tuple[str, str]:
    return indicator_words(IndicatorState(snapshot, online=online, syncing=syncing), ZONE, NOW)


def test_right_after_the_setup_it_says_working_alone_and_nothing_waits() -> None:
    assert _words(_alone()) == ("Working alone", "info")


def test_after_a_cycle_it_says_when_mail_last_went_never_online() -> None:
    sent = datetime(2026, 11, 22, 10, 42, tzinfo=UTC)
    assert _words(_alone(_sender(sent=sent)), online=True) == (
        "Working alone · mail sent 10:42", "success")


def test_it_counts_messages_waiting_one_and_many() -> None:
    assert _words(_alone(_sender(pending=1)), online=True) == (
        "Working alone · 1 message waiting", "info")
    assert _words(_alone(_sender(pending=2))) == ("Working alone · 2 messages waiting", "info")


def test_a_message_not_delivered_is_a_warning_in_words() -> None:
    assert _words(_alone(failed=1), online=True) == (
        "Working alone · 1 message not delivered", "warning")


def test_a_mail_server_not_reached_is_said_as_such_not_as_offline() -> None:
    text, level = _words(_alone(_sender(pending=3)), online=False)
    assert text == "Working alone · mail server not reached · 3 messages waiting"
    assert level == "warning"


def test_with_an_sms_gateway_too_it_speaks_of_messages() -> None:
    sent = datetime(2026, 11, 21, 17, 5, tzinfo=UTC)
    snapshot = _alone(_sender(sent=datetime(2026, 11, 20, 9, 0, tzinfo=UTC)),
                      _sender("sms", sent=sent))
    assert _words(snapshot, online=True)[0] == "Working alone · messages sent 21 Nov 17:05"
    assert _words(snapshot, syncing=True)[0] == (
        "Working alone · sending messages… · messages sent 21 Nov 17:05")


def test_a_refused_message_needs_attention() -> None:
    assert _words(_alone(_sender(parked=1)), online=True)[0] == (
        "Working alone · 1 needs attention")


def test_the_tooltip_speaks_of_the_shops_own_mail_server_not_head_office() -> None:
    assert "own mail server" in background_words(_alone())
    assert "head office" in background_words(SyncSnapshot(True))


def test_the_sync_panel_line_counts_messages_and_says_where_the_records_stay() -> None:
    assert alone_line(_alone(_sender(pending=1))).startswith(
        "1 message to customers waits to be sent by the shop's own mail server.")
    line = alone_line(_alone())
    assert line.startswith("Every message to customers has been sent.")
    assert "sales and claims are kept on this till" in line
