"""The claim screen's actions by keys: blocks said once, reopen, proof check, findings, void."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt, QUrl
from PySide6.QtWidgets import QApplication

from tests.ui.conftest import db_rows, open_window, sign_in, type_into
from ui.main_window import MainWindow
from ui.screens import claim_detail
from ui.screens.claim_detail import ClaimDetailScreen
from ui.screens.claim_detail_parts.proof_check import ProofCheckDialog
from ui.screens.claims_board import ClaimsBoardScreen
from ui.screens.counter import CounterScreen
from ui.screens.customer import CustomerScreen
from ui.widgets.cost_dialog import CostDialog
from ui.widgets.override_dialog import OverrideDialog
from ui.widgets.reason_dialog import ReasonDialog
from warranty_desk.storage.home import Home

CTRL = Qt.KeyboardModifier.ControlModifier
CTRL_SHIFT = CTRL | Qt.KeyboardModifier.ShiftModifier
# Markup, a long run and non-Latin words: shown as typed, never as formatting.
ODD_TEXT = ("<b>Board</b> & <i>fuse</i> checked — 保险丝已更换; Sicherung geprüft. "
            + "Tested on the bench for two hours without a fault. " * 3).strip()


@pytest.fixture
def win(demo_home: Home, monkeypatch: pytest.MonkeyPatch) -> Iterator[MainWindow]:
    yield from open_window(demo_home, monkeypatch,
                           [CounterScreen, ClaimsBoardScreen, ClaimDetailScreen, CustomerScreen])


def _claim(qtbot: Any, win: MainWindow, who: str, pin: str, number: str) -> ClaimDetailScreen:
    sign_in(qtbot, win, who, pin)
    win.ctx.navigate.emit("ClaimDetailScreen", number)
    screen = win.current_screen()
    assert isinstance(screen, ClaimDetailScreen)
    assert screen.detail is not None and screen.detail.number == number
    return screen


def _active(qtbot: Any, dialog: Any) -> None:
    """The dialog is the active window, as it is for a person: its keys reach it."""
    dialog.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is dialog)


def _number(win: MainWindow, where: str) -> str:
    return str(db_rows(win, f"SELECT number FROM claims WHERE {where} ORDER BY number")[0][0])


def _fact(screen: ClaimDetailScreen, name: str) -> str:
    grid = screen.facts.grid
    for n in range(grid.count()):
        item = grid.itemAt(n)
        widget = item.widget() if item is not None else None
        if widget is not None and widget.text() == name:
            row, column, _rows, _columns = grid.getItemPosition(n)
            value = grid.itemAtPosition(row, column + 1)
            assert value is not None and value.widget() is not None
            return str(value.widget().text())
    raise AssertionError(f"no fact {name!r}")


def test_a_manager_gets_the_override_at_once_and_the_block_is_said_once(
    qtbot: Any, win: MainWindow
) -> None:
    number = _number(win, "state = 'reviewing'")
    screen = _claim(qtbot, win, "Maria Manager", "5555", number)
    assert "photo of the fault" in screen.missing.text()
    qtbot.keyClick(screen, Qt.Key.Key_2, CTRL)
    dialog = screen.dialog
    assert isinstance(dialog, OverrideDialog) and dialog.isVisible()
    # An override is a second person's: Maria is not offered, nobody is picked for her.
    assert dialog.approver.currentIndex() == -1
    assert dialog.approver.findData("Maria Manager") == -1
    said = screen.blocked.text()
    assert said.count("Evidence missing: photo of the fault") == 1
    assert "ask a manager" not in said.lower()
    assert not screen.missing.isVisible()
    assert "Evidence missing" not in win.notice.text()
    qtbot.keyClicks(dialog.approver, "Olive")
    qtbot.keyClick(dialog.approver, Qt.Key.Key_Tab)
    qtbot.keyClicks(dialog.pin, "7777")
    qtbot.keyClicks(dialog.reason, "Photo seen on the customer's phone")
    dialog.pin.setFocus()
    qtbot.keyClick(dialog.pin, Qt.Key.Key_Return)
    assert screen.detail is not None and screen.detail.state == "inspecting"
    assert not screen.blocked_panel.isVisible()


def test_a_technician_is_told_once_to_ask_a_manager(qtbot: Any, win: MainWindow) -> None:
    number = _number(win, "state = 'reviewing'")
    screen = _claim(qtbot, win, "Tariq Tech", "3333", number)
    qtbot.keyClick(screen, Qt.Key.Key_2, CTRL)
    assert screen.dialog is None
    said = screen.blocked.text()
    assert said.count("Evidence missing: photo of the fault") == 1
    assert "Ask a manager or the owner to approve an override (Ctrl+O)" in said
    assert not screen.missing.isVisible()
    assert "Evidence missing" not in win.notice.text()


def test_the_proof_line_and_still_missing_say_the_same(qtbot: Any, win: MainWindow) -> None:
    number = _number(win, "state = 'received' AND proof_status = 'not_needed'")
    with win.ctx.db.write() as session:
        from sqlalchemy import text

        session.execute(text("DELETE FROM evidence_documents WHERE claim_id = "
                             "(SELECT id FROM claims WHERE number = :n)"), {"n": number})
    screen = _claim(qtbot, win, "Maria Manager", "5555", number)
    assert "proof of purchase" in _fact(screen, "Still missing")
    assert _fact(screen, "Proof of purchase") == "missing"


def test_a_manager_reopens_a_rejected_claim_with_a_reason_the_customer_reads(
    qtbot: Any, win: MainWindow
) -> None:
    number = _number(win, "state = 'rejected' AND number NOT IN (SELECT c.number FROM claims c "
                          "JOIN claims o ON o.warranty_id = c.warranty_id AND o.id != c.id)")
    screen = _claim(qtbot, win, "Maria Manager", "5555", number)
    assert "reopen" in screen.move_buttons
    assert "If the claim is reopened, the customer gets:" in screen.message_body.toPlainText()
    qtbot.keyClick(screen, Qt.Key.Key_R, CTRL_SHIFT)
    dialog = screen.dialog
    assert isinstance(dialog, ReasonDialog) and dialog.isVisible()
    _active(qtbot, dialog)
    assert "a manager is looking at it again" in dialog.preview.toPlainText()
    qtbot.keyClicks(dialog.reason, "ok")
    qtbot.keyClick(dialog.reason, Qt.Key.Key_Return, CTRL)
    assert dialog.isVisible() and "Write the reason" in dialog.message.text()
    dialog.reason.clear()
    type_into(dialog.reason, ODD_TEXT)
    qtbot.keyClick(dialog.reason, Qt.Key.Key_Return, CTRL)
    assert screen.detail is not None and screen.detail.state == "reviewing"
    last = screen.detail.timeline[-1]
    assert (last.kind, last.from_state, last.to_state, last.reason) == (
        "reopened", "rejected", "reviewing", ODD_TEXT)
    reason = [c.title for c in screen.timeline_model.columns].index("Reason")
    shown = screen.timeline_model.index(screen.timeline_model.rowCount() - 1, reason).data()
    assert shown == ODD_TEXT
    assert "reopened" in win.notice.text()
    assert db_rows(win, "SELECT count(*) FROM customer_messages m JOIN claims c ON "
                        "c.id = m.claim_id WHERE c.number = ? AND m.template = "
                        "'claim_reopened'", number) == [(1,)]
    assert db_rows(win, "SELECT action FROM audit_entries ORDER BY seq DESC LIMIT 1") == [
        ("claim.reopen",)]


def test_reopen_is_not_offered_to_a_technician_and_says_why_it_waits(
    qtbot: Any, win: MainWindow
) -> None:
    blocked = _number(win, "state = 'rejected' AND number IN (SELECT c.number FROM claims c "
                           "JOIN claims o ON o.warranty_id = c.warranty_id AND o.id != c.id "
                           "AND o.state NOT IN ('resolved', 'rejected'))")
    screen = _claim(qtbot, win, "Tariq Tech", "3333", blocked)
    assert "reopen" not in screen.move_buttons
    qtbot.keyClick(screen, Qt.Key.Key_R, CTRL_SHIFT)
    assert screen.dialog is None
    screen = _claim(qtbot, win, "Maria Manager", "5555", blocked)
    assert "is open on the same unit" in screen.missing.text()


def test_support_checks_the_proof_and_the_claim_moves_on_without_an_override(
    qtbot: Any, win: MainWindow, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    opened: list[str] = []
    monkeypatch.setattr(claim_detail, "open_url",
                        lambda url: opened.append(QUrl(url).toLocalFile()) or True)
    number = _number(win, "proof_status = 'unverified'")
    screen = _claim(qtbot, win, "Sue Support", "4444", number)
    assert _fact(screen, "Proof of purchase") == "attached, waiting to be checked"
    assert not screen.evidence.check_proof_button.isHidden()
    qtbot.keyClick(screen, Qt.Key.Key_V, CTRL_SHIFT)
    dialog = screen.dialog
    assert isinstance(dialog, ProofCheckDialog) and dialog.isVisible()
    _active(qtbot, dialog)
    assert dialog.documents.count() == 1
    qtbot.keyClick(dialog, Qt.Key.Key_O, CTRL_SHIFT)
    sha = db_rows(win, "SELECT e.sha256 FROM evidence_documents e JOIN claims c ON "
                       "c.id = e.claim_id WHERE c.number = ?", number)[0][0]
    assert opened and opened[-1].endswith(sha)
    qtbot.keyClicks(dialog.note, "Marketplace invoice: date, model and serial match")
    qtbot.keyClick(dialog.note, Qt.Key.Key_Return, CTRL)
    assert screen.detail is not None and screen.detail.proof_status == "verified"
    assert screen.evidence.proof_panel.isHidden()
    # The photo the policy asks for comes in; then nothing needs an override.
    photo = tmp_path / "fault.png"
    from warranty_desk.demo.files import png_bytes

    photo.write_bytes(png_bytes(16, 12, (90, 60, 30), seed=5))
    screen.evidence.kind.setCurrentIndex(screen.evidence.kind.findData("photo_of_fault"))
    screen.add_evidence_files([photo])
    tech = _claim(qtbot, win, "Tariq Tech", "3333", number)
    # The proof dialog had the keys; the moves are clicked here.
    qtbot.mouseClick(tech.move_buttons["reviewing"], Qt.MouseButton.LeftButton)
    qtbot.mouseClick(tech.move_buttons["inspecting"], Qt.MouseButton.LeftButton)
    assert tech.detail is not None and tech.detail.state == "inspecting"
    assert not tech.blocked_panel.isVisible()


def test_a_text_file_named_pdf_is_refused_as_proof_naming_the_file(
    qtbot: Any, win: MainWindow, tmp_path: Path
) -> None:
    number = _number(win, "state = 'received' AND proof_status = 'not_needed'")
    screen = _claim(qtbot, win, "Sam Sales", "1111", number)
    fake = tmp_path / "receipt.pdf"
    fake.write_bytes(b"paid in full, ok\n")
    before = db_rows(win, "SELECT count(*) FROM evidence_documents")
    screen.evidence.kind.setCurrentIndex(screen.evidence.kind.findData("proof_of_purchase"))
    screen.add_evidence_files([fake])
    assert win.notice.text().startswith("receipt.pdf is plain text by its content")
    assert "a PDF or a photo" in win.notice.text()
    assert db_rows(win, "SELECT count(*) FROM evidence_documents") == before
    stored = [p for p in win.ctx.home.documents.rglob("*") if p.is_file()] if (
        win.ctx.home.documents.exists()) else []
    assert all(p.read_bytes() != b"paid in full, ok\n" for p in stored)


def test_a_technician_writes_findings_and_adds_parts_by_keys(
    qtbot: Any, win: MainWindow
) -> None:
    number = _number(win, "state = 'inspecting'")
    screen = _claim(qtbot, win, "Tariq Tech", "3333", number)
    qtbot.keyClick(screen, Qt.Key.Key_F, CTRL_SHIFT)
    assert screen.tabs.currentWidget() is screen.findings
    assert screen.findings.text.hasFocus()
    type_into(screen.findings.text, ODD_TEXT)
    qtbot.keyClick(screen.findings.text, Qt.Key.Key_Return, CTRL)
    assert screen.detail is not None
    last = screen.detail.timeline[-1]
    assert (last.kind, last.staff, last.reason) == ("note", "Tariq Tech", ODD_TEXT)
    assert screen.findings.text.toPlainText() == ""
    assert screen.findings.earlier.toPlainText().endswith(ODD_TEXT)
    qtbot.mouseClick(screen.findings.parts_button, Qt.MouseButton.LeftButton)
    dialog = screen.dialog
    assert isinstance(dialog, CostDialog)
    assert [dialog.kind.itemData(n) for n in range(dialog.kind.count())] == ["parts"]
    qtbot.keyClicks(dialog.amount, "18.50")
    qtbot.keyClicks(dialog.description, "Charging fuse")
    qtbot.keyClick(dialog.amount, Qt.Key.Key_Return)
    assert "Parts £18.50" in screen.findings.totals.text()


def test_sales_staff_see_no_findings_editor(qtbot: Any, win: MainWindow) -> None:
    screen = _claim(qtbot, win, "Sam Sales", "1111", _number(win, "state = 'inspecting'"))
    assert screen.findings.text.isHidden() and screen.findings.save_button.isHidden()


def test_a_manager_voids_the_claims_warranty_with_a_reason(qtbot: Any, win: MainWindow) -> None:
    number = _number(win, "state = 'received' AND warranty_id IS NOT NULL")
    screen = _claim(qtbot, win, "Maria Manager", "5555", number)
    assert screen.void_button.isVisibleTo(screen)
    code = screen.detail.warranty_code if screen.detail else None
    qtbot.keyClick(screen, Qt.Key.Key_W, CTRL_SHIFT)
    dialog = screen.dialog
    assert isinstance(dialog, ReasonDialog) and code in dialog.windowTitle()
    _active(qtbot, dialog)
    type_into(dialog.reason, "Sale returned for a credit note — 退货")
    qtbot.keyClick(dialog.reason, Qt.Key.Key_Return, CTRL)
    assert db_rows(win, "SELECT status, void_reason FROM warranties WHERE code = ?", code) == [
        ("void", "Sale returned for a credit note — 退货")]
    assert not screen.void_button.isVisibleTo(screen)


def test_only_who_may_void_sees_the_void_button(qtbot: Any, win: MainWindow) -> None:
    number = _number(win, "state = 'received' AND warranty_id IS NOT NULL")
    screen = _claim(qtbot, win, "Tariq Tech", "3333", number)
    assert not screen.void_button.isVisibleTo(screen)
    qtbot.keyClick(screen, Qt.Key.Key_W, CTRL_SHIFT)
    assert screen.dialog is None


def test_a_manager_voids_a_purchase_from_the_customer_screen(
    qtbot: Any, win: MainWindow
) -> None:
    sign_in(qtbot, win, "Maria Manager", "5555")
    reference, = db_rows(win, "SELECT c.reference FROM customers c JOIN warranties w ON "
                              "w.customer_id = c.id WHERE w.status = 'active' "
                              "ORDER BY c.reference LIMIT 1")[0]
    win.ctx.navigate.emit("CustomerScreen", reference)
    screen = win.current_screen()
    assert isinstance(screen, CustomerScreen) and screen.profile is not None
    assert screen.void_button.isVisibleTo(screen)
    active = next(n for n, v in enumerate(screen.profile.purchases) if v.verdict != "void")
    screen.purchases.selectRow(active)
    code = screen.profile.purchases[active].warranty_code
    qtbot.keyClick(screen.purchases, Qt.Key.Key_W, CTRL_SHIFT)
    dialog = next(d for d in screen.findChildren(ReasonDialog) if d.isVisible())
    _active(qtbot, dialog)
    qtbot.keyClicks(dialog.reason, "Issued by mistake on a demo unit")
    qtbot.keyClick(dialog.reason, Qt.Key.Key_Return, CTRL)
    assert db_rows(win, "SELECT status FROM warranties WHERE code = ?", code) == [("void",)]
    assert screen.profile is not None
    assert next(v for v in screen.profile.purchases if v.warranty_code == code).verdict == (
        "void")


def test_a_claim_started_online_shows_the_holder_and_who_claimed(
    qtbot: Any, win: MainWindow, tmp_path: Path
) -> None:
    from warranty_desk.permissions import Actor
    from warranty_desk.services import inbox
    from warranty_desk.services.reports import warranty_register
    from warranty_desk.storage.documents import DocumentStore

    in_cover = [r.code for r in warranty_register(win.ctx.db, Actor.system("test"))
                if r.status == "in_cover"]
    for n, code in enumerate(in_cover):  # the first unit that can take a claim
        result = inbox.apply_item(win.ctx.db, inbox.InboxItemInput(
            f"web-who-{n}", "claim_started", {
                "warranty_code": code, "fault": "Will not charge",
                "customer": {"name": "Grace Hopper", "phone": "+1 202 555 0100"}}),
            documents=DocumentStore(tmp_path / "documents"), fetch_document=None)
        if result.status == "applied":
            break
    assert result.status == "applied", result.result
    holder = db_rows(win, "SELECT c.name FROM warranties w JOIN customers c ON "
                          "c.id = w.customer_id WHERE w.code = ?", code)[0][0]
    screen = _claim(qtbot, win, "Maria Manager", "5555", result.result.split()[1])
    assert _fact(screen, "Customer").startswith(str(holder))
    assert _fact(screen, "Claimed by") == "Grace Hopper  ·  +1 202 555 0100  (on the portal)"


def test_ctrl_page_keys_move_between_the_claims_tabs_from_anywhere_on_the_screen(
    qtbot: Any, win: MainWindow,
) -> None:
    # F1 lists Ctrl+PgDown / Ctrl+PgUp; the timeline table took them for itself.
    screen = _claim(qtbot, win, "Tariq Tech", "3333", _number(win, "state = 'inspecting'"))
    screen.tabs.setCurrentWidget(screen.timeline)
    screen.timeline.setFocus()
    qtbot.keyClick(screen.timeline, Qt.Key.Key_PageDown, CTRL)
    assert screen.tabs.currentIndex() == 1
    qtbot.keyClick(screen.tabs.currentWidget(), Qt.Key.Key_PageUp, CTRL)
    assert screen.tabs.currentWidget() is screen.timeline
    # Back from the first tab to the last one, with the focus out of the tabs altogether.
    qtbot.keyClick(screen.timeline, Qt.Key.Key_PageUp, CTRL)
    assert screen.tabs.currentIndex() == screen.tabs.count() - 1
    qtbot.keyClick(screen.timeline, Qt.Key.Key_PageDown, CTRL)
    assert screen.tabs.currentWidget() is screen.timeline
