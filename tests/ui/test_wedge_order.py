"""Keys a person types reach their field whole and in order, whatever the wedge filter holds."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QFileDialog, QFileSystemModel, QLineEdit, QWidget

from tests.ui.wedge_helpers import Desk, desk, press, release, scan, tap
from ui.devices.wedge_filter import WedgeFilter

pytestmark = pytest.mark.usefixtures("qapp")

# --- The report: a folder path typed into a file dialog --------------------------------------


def test_a_folder_path_typed_at_100_ms_a_key_into_a_file_dialog_keeps_its_order(
        qtbot: Any, tmp_path: Path) -> None:
    for folder in ("alpha/beta", "almond", "archive"):
        (tmp_path / folder).mkdir(parents=True)
    owner = QWidget()
    qtbot.addWidget(owner)
    owner.show()
    dialog = QFileDialog(owner, "Choose a folder", str(tmp_path))
    dialog.setOption(QFileDialog.Option.DontUseNativeDialog)
    dialog.setFileMode(QFileDialog.FileMode.Directory)
    dialog.open()
    qtbot.waitExposed(dialog)
    name = dialog.findChild(QLineEdit, "fileNameEdit")
    assert isinstance(name, QLineEdit)
    name.setFocus()
    qtbot.waitUntil(name.hasFocus)
    completer = name.completer()
    folders = dialog.findChild(QFileSystemModel)
    assert completer is not None and isinstance(folders, QFileSystemModel)
    # The dialog lists the folder on a thread; its completer offers names once that is in.
    qtbot.waitUntil(lambda: folders.rowCount(folders.index(str(tmp_path))) == 3)
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    wedge = WedgeFilter()  # the real quiet timer and the keys' own timestamps
    wedge.install(app)
    try:
        for ch in "alpha/beta":
            window = QApplication.focusWindow()
            assert window is not None
            QTest.keyClick(window, ch)
            # The dialog is busy (listing folders, drawing icons) until the next key is due,
            # so the quiet timer that should have given this key back runs late, after the
            # next key: the race a busy file dialog loses at 100 ms a key.
            QTest.qSleep(100)
        qtbot.wait(150)  # now the quiet timer gives back the last key
        assert name.text() == "alpha/beta"
    finally:
        wedge.uninstall(app)
        dialog.reject()


# --- Each way a key could overtake the ones held before it ------------------------------------


def test_a_key_typed_after_the_completer_list_opened_waits_for_the_key_before_it() -> None:
    with desk("dialog", ["home", "hotel"]) as d:
        assert d.completer is not None
        d.at(1000)
        tap("h")  # held: it may be the start of a scan
        d.completer.complete()  # the folder listing arrives: the list opens over the field
        assert d.list_is_open()
        d.at(1100)
        tap("o")  # the GUI was busy: this key comes in before the late quiet timer fires
        d.tick(1100)  # and then the timer
        d.go_quiet()
        assert d.line.text() == "ho"


def test_a_scan_into_a_field_whose_completer_list_is_open_is_still_a_scan() -> None:
    with desk("dialog", ["SN-1000", "SN-2000"]) as d:
        assert d.completer is not None
        d.completer.complete()
        assert d.list_is_open()
        scan(d, "SN-4471", start=1000)
        assert d.scans == ["SN-4471"]
        assert d.line.text() == ""


def test_a_scan_is_a_scan_when_the_keyboard_stays_with_a_closed_lists_window() -> None:
    # The offscreen platform gives a popup's window the keyboard and leaves it there when the
    # popup closes; Qt then hands keys to the field through that window while the app
    # reports no focus widget.
    with desk("dialog", ["ab"]) as d:
        # The list opens on "a", closes on Backspace, opens again, and closes on "ax".
        keys: list[str | Qt.Key] = ["a", Qt.Key.Key_Backspace, "a", "a", Qt.Key.Key_Backspace,
                                    "x"]
        for n, key in enumerate(keys):
            d.tick(1000 + 100 * n)
            tap(key)
        d.tick(1700)
        assert not d.list_is_open() and d.line.text() == "ax"
        assert QApplication.focusWidget() is None
        scan(d, "SN-4471", start=2000)
        assert d.scans == ["SN-4471"]
        assert d.line.text() == "ax"


def test_keys_that_come_in_while_the_field_handles_a_released_key_keep_their_place() -> None:
    with desk("plain") as d:
        # A field that lets the event loop run while it takes a key (a busy screen, a
        # dialog), so a key the person typed meanwhile is delivered in the middle.
        def busy(_text: str) -> None:
            d.line.textEdited.disconnect(busy)
            d.at(1210)
            tap("d")

        d.line.textEdited.connect(busy)
        d.at(1000)
        tap("a")
        d.at(1020)
        tap("b")
        d.at(1200)
        tap("c")  # before the late quiet timer: gives back "ab", and "d" comes in meanwhile
        d.go_quiet()
        assert d.line.text() == "abcd"


def test_a_key_sent_to_another_widget_waits_for_the_keys_held_before_it() -> None:
    with desk("plain") as d:
        other = QLineEdit()
        layout = d.line.window().layout()
        assert layout is not None
        layout.addWidget(other)
        arrived: list[str] = []
        recorder = _KeyRecorder(arrived)
        d.line.installEventFilter(recorder)
        other.installEventFilter(recorder)
        d.at(1000)
        tap("a")
        d.at(1010)
        tap("b")
        # A screen passing on what the person typed next to a field of its own.
        QTest.keyClick(other, "x")
        d.go_quiet()
        assert arrived == ["a", "b", "x"]
        assert d.line.text() == "ab" and other.text() == "x"


class _KeyRecorder(QObject):
    """Notes the text of each key press as its widget gets it."""

    def __init__(self, arrived: list[str]) -> None:
        super().__init__()
        self._arrived = arrived

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if isinstance(event, QKeyEvent) and event.type() == QEvent.Type.KeyPress and event.text():
            self._arrived.append(event.text())
        return False


# --- Property: a person's keys and scanner bursts, at any speed, in any race ------------------

PERSON_CHARS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789/-_. "
SCAN_CHARS = "ABCDEFGHJKLMNPRSTUVWXYZ0123456789-"
BACKSPACE = "backspace"
ENTER = "enter"


@dataclass(frozen=True)
class Stroke:
    """One key: pressed at `at`, released `held_for` ms later."""

    key: str  # a character, BACKSPACE or ENTER
    at: float
    held_for: float
    by_scanner: bool
    # The GUI was busy: a quiet timer already due fires only after this key comes in.
    timer_late: bool
    # The file dialog's folder listing arrives right after this key (its list may open).
    listing_after: bool


@st.composite
def sessions(draw: st.DrawFn) -> list[Stroke]:
    """A person typing runs at 30-400 ms a key with jitter, Backspace and Shift among them,
    and scanner bursts at 1-20 ms a key ended by Enter, in any order."""
    strokes: list[Stroke] = []
    t = 1000.0
    last_release = t

    def add(key: str, at: float, held_for: float, by_scanner: bool) -> None:
        nonlocal last_release
        strokes.append(Stroke(key, at, held_for, by_scanner, draw(st.booleans()),
                              draw(st.booleans())))
        last_release = max(last_release, at + held_for)

    for _run in range(draw(st.integers(1, 5))):
        if draw(st.booleans()):
            pace = draw(st.floats(30, 400))
            keys = draw(st.lists(st.sampled_from([*PERSON_CHARS, *[BACKSPACE] * 8]),
                                 min_size=1, max_size=12))
            for key in keys:
                t += max(1.0, pace * (1 + draw(st.floats(-0.3, 0.3))))
                add(key, t, draw(st.floats(5, 120)), by_scanner=False)
        else:
            # The hand goes from the keyboard to the scanner: the first scanned key comes
            # after the person's last key is up and well after the burst limit.
            t = last_release + draw(st.floats(60, 1500))
            text = draw(st.text(alphabet=SCAN_CHARS, min_size=4, max_size=20))
            for n, ch in enumerate(text):
                if n:
                    t += draw(st.floats(1, 20))
                add(ch, t, draw(st.floats(0.5, 5)), by_scanner=True)
            t += draw(st.floats(1, 20))
            add(ENTER, t, draw(st.floats(0.5, 5)), by_scanner=True)
            t = last_release
    return strokes


def expected(strokes: list[Stroke]) -> tuple[str, list[str]]:
    """What the person typed into the field, and the scans, in order."""
    typed: list[str] = []
    scans: list[str] = []
    burst = ""
    for stroke in strokes:
        if stroke.by_scanner:
            if stroke.key == ENTER:
                scans.append(burst)
                burst = ""
            else:
                burst += stroke.key
        elif stroke.key == BACKSPACE:
            if typed:
                typed.pop()
        else:
            typed.append(stroke.key)
    return "".join(typed), scans


def play(d: Desk, strokes: list[Stroke]) -> None:
    """Deliver every press and release at its time, racing the quiet timer as drawn."""
    events = []
    for n, stroke in enumerate(strokes):
        events.append((stroke.at, 2 * n, True, stroke))
        events.append((stroke.at + stroke.held_for, 2 * n + 1, False, stroke))
    events.sort(key=lambda event: (event[0], event[1]))
    for at, _order, is_press, stroke in events:
        d.at(at)
        if d.timer.due():
            if is_press and stroke.timer_late:
                event("a key came in before the quiet timer that was already due")
            else:
                d.timer.fire()
        if is_press and d.list_is_open():
            event("a key went to the open completer list"
                  + (" (a scan's Enter)" if stroke.key == ENTER else ""))
        key: str | Qt.Key = stroke.key
        if stroke.key == BACKSPACE:
            key = Qt.Key.Key_Backspace
        elif stroke.key == ENTER:
            key = Qt.Key.Key_Return
        (press if is_press else release)(key, len(stroke.key) == 1 and stroke.key.isupper())
        d.tick(at)  # a late timer, once the GUI is free again
        if is_press and stroke.listing_after and d.completer is not None:
            d.completer.complete()
            if d.list_is_open() and d.wedge.detector.held:
                event("the completer list opened while keys were held")
    d.go_quiet()


@pytest.mark.parametrize("kind", ["plain", "dialog"])
@settings(max_examples=400, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(strokes=sessions(), folders=st.lists(st.text(PERSON_CHARS, max_size=8), max_size=4))
def test_a_persons_keys_arrive_whole_and_in_order_and_scanner_bursts_are_scans(
        kind: str, strokes: list[Stroke], folders: list[str]) -> None:
    typed, scans = expected(strokes)
    # Folder names that start like what is typed, so the completer's list opens and closes.
    with desk(kind, [typed, *(typed[:3] + name for name in folders)]) as d:
        play(d, strokes)
        assert d.scans == scans
        assert d.line.text() == typed
