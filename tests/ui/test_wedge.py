"""Keyboard-wedge scans: the timing detector alone, then the app filter on real line edits."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QKeyEvent, QKeySequence, QShortcut
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QLineEdit, QVBoxLayout, QWidget

from ui.devices.hub import ScannerHub
from ui.devices.wedge import GS, Release, WedgeConfig, WedgeDetector
from ui.devices.wedge_filter import WedgeFilter

# --- The detector, fed as the Qt filter feeds it ----------------------------------------------

END_TOKENS = {"enter": "⏎", "tab": "⇥"}


@dataclass
class Outcome:
    scans: list[str] = field(default_factory=list)
    typed: str = ""  # what reached the widget, with end keys shown as ⏎ and ⇥
    stream: str = ""  # every character in the order it left the detector, scanned or typed


def play(detector: WedgeDetector, keys: Sequence[tuple[str, float]]) -> Outcome:
    """Feed (key, time) pairs the way WedgeFilter does; a key is a character, enter or tab."""
    out = Outcome()

    def give_back(released: Release | None) -> None:
        if released is not None:
            out.typed += released.text
            out.stream += released.text

    for key, t in keys:
        if key in END_TOKENS:
            text = detector.end_key(key, t)  # type: ignore[arg-type]
            if text is not None:
                out.scans.append(text)
                out.stream += text
                continue
            give_back(detector.release())
            out.typed += END_TOKENS[key]
        else:
            give_back(detector.feed(key, t))
    give_back(detector.release())  # the quiet timer
    return out


def timed(text: str, gap: float, start: float = 0.0, end: str | None = "enter",
          end_gap: float | None = None) -> list[tuple[str, float]]:
    keys = [(ch, start + n * gap) for n, ch in enumerate(text)]
    if end is not None:
        keys.append((end, keys[-1][1] + (gap if end_gap is None else end_gap)))
    return keys


@pytest.mark.parametrize("gap", [5, 12, 20])
@pytest.mark.parametrize("end", ["enter", "tab"])
def test_a_scanner_burst_ended_by_enter_or_tab_is_a_scan(gap: float, end: str) -> None:
    out = play(WedgeDetector(), timed("4006381333931", gap, end=end))
    assert out.scans == ["4006381333931"]
    assert out.typed == ""


@pytest.mark.parametrize("serial", ["C02-XK7-19LM-A1", "BR01-W-2026-000123", "sn-88a-0x"])
def test_alphanumeric_serials_with_dashes_are_scanned_whole(serial: str) -> None:
    out = play(WedgeDetector(), timed(serial, 8))
    assert out.scans == [serial]


def test_a_person_typing_at_120_ms_a_key_is_never_taken_for_a_scanner() -> None:
    out = play(WedgeDetector(), timed("SN-4471-AB", 120, end_gap=15))
    assert out.scans == []
    assert out.typed == "SN-4471-AB⏎"


@given(st.lists(st.tuples(st.sampled_from("abcXYZ019-_ ."), st.floats(80, 300)),
                min_size=1, max_size=30),
       st.floats(0, 300), st.sampled_from(["enter", "tab"]))
def test_typing_with_gaps_of_80_to_300_ms_is_never_a_scan(
        chars: list[tuple[str, float]], end_gap: float, end: str) -> None:
    keys, t = [], 1000.0
    for ch, gap in chars:
        t += gap
        keys.append((ch, t))
    keys.append((end, t + end_gap))
    out = play(WedgeDetector(), keys)
    assert out.scans == []
    assert out.typed == "".join(ch for ch, _ in chars) + END_TOKENS[end]


def test_a_fast_typists_three_key_burst_is_not_a_scan() -> None:
    out = play(WedgeDetector(), timed("the", 10))
    assert out.scans == []
    assert out.typed == "the⏎"


def test_a_slow_first_key_stays_typed_and_the_fast_rest_is_the_scan() -> None:
    # Someone typed "x" into the field, then scanned: the "x" is theirs, the burst is a scan.
    keys = [("x", 0.0), *timed("SN-4471", 10, start=200.0)]
    out = play(WedgeDetector(), keys)
    assert out.typed == "x"
    assert out.scans == ["SN-4471"]


def test_a_first_gap_within_the_first_gap_slack_still_starts_the_scan() -> None:
    keys = [("S", 0.0), *timed("N-4471", 10, start=45.0)]
    assert play(WedgeDetector(), keys).scans == ["SN-4471"]


def test_a_pause_in_the_middle_of_a_burst_makes_it_typing() -> None:
    # The first-gap slack applies to the second key only; later gaps must stay under 35 ms.
    keys = [*timed("SN-4", 10, end=None), *timed("471", 10, start=75.0)]
    out = play(WedgeDetector(), keys)
    assert out.scans == []
    assert out.typed == "SN-4471⏎"


def test_an_end_key_that_comes_too_late_is_typed_with_the_burst() -> None:
    out = play(WedgeDetector(), timed("SN-4471", 10, end_gap=60))
    assert out.scans == []
    assert out.typed == "SN-4471⏎"


def test_tab_ends_no_scan_when_it_is_not_a_configured_terminator() -> None:
    detector = WedgeDetector(WedgeConfig(terminators=("\r", "\n")))
    out = play(detector, timed("SN-4471", 10, end="tab"))
    assert out.scans == []
    assert out.typed == "SN-4471⇥"


def test_a_gs1_field_separator_stays_inside_the_scan() -> None:
    code = f"0109506000134352{GS}21SN1"
    assert play(WedgeDetector(), timed(code, 6)).scans == [code]


def test_the_burst_may_stay_open_longer_after_its_first_key() -> None:
    detector = WedgeDetector()
    assert detector.quiet_limit_ms() is None
    detector.feed("S", 0)
    assert detector.quiet_limit_ms() == 50
    detector.feed("N", 10)
    assert detector.quiet_limit_ms() == 35


def test_a_clock_that_runs_backwards_breaks_the_burst() -> None:
    keys = [*timed("SN-4", 10, start=5000.0, end=None), *timed("471", 10, start=100.0)]
    out = play(WedgeDetector(), keys)
    assert out.scans == []
    assert out.typed == "SN-4471⏎"


def test_feeding_a_control_character_is_refused() -> None:
    with pytest.raises(ValueError, match="printable"):
        WedgeDetector().feed("\x08", 0)


def test_a_terminator_other_than_cr_lf_or_tab_is_refused() -> None:
    with pytest.raises(ValueError, match="terminators"):
        WedgeConfig(terminators=(";",))


@given(st.lists(st.tuples(st.sampled_from(["a", "B", "7", "-", "enter", "tab"]),
                          st.floats(0, 120)), max_size=60))
def test_every_character_comes_out_once_and_in_order_scanned_or_typed(
        keys: list[tuple[str, float]]) -> None:
    t, timeline = 0.0, []
    for key, gap in keys:
        t += gap
        timeline.append((key, t))
    out = play(WedgeDetector(), timeline)
    assert out.stream == "".join(key for key, _ in keys if key not in END_TOKENS)


# --- The filter on real widgets ------------------------------------------------------------------


@dataclass
class Form:
    window: QWidget
    field: QLineEdit
    other: QLineEdit
    wedge: WedgeFilter
    returns: list[str]


@pytest.fixture
def form(qtbot: Any) -> Iterator[Form]:
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    window = QWidget()
    layout = QVBoxLayout(window)
    field, other = QLineEdit(), QLineEdit()
    layout.addWidget(field)
    layout.addWidget(other)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    window.activateWindow()
    field.setFocus()
    qtbot.waitUntil(field.hasFocus)
    wedge = WedgeFilter()
    wedge.install(app)
    returns: list[str] = []
    field.returnPressed.connect(lambda: returns.append(field.text()))
    yield Form(window, field, other, wedge, returns)
    wedge.uninstall(app)


def key_event(kind: QEvent.Type, key: int, text: str, t: int,
              mods: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier) -> QKeyEvent:
    event = QKeyEvent(kind, key, mods, text)
    event.setTimestamp(t)
    return event


def tap(key: int, text: str, t: int,
        mods: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier) -> None:
    """Press and release one key on whatever has focus, stamped with time t (ms)."""
    target = QApplication.focusWidget()
    assert target is not None
    QApplication.sendEvent(target, key_event(QEvent.Type.KeyPress, key, text, t, mods))
    QApplication.sendEvent(target, key_event(QEvent.Type.KeyRelease, key, text, t + 3, mods))


def key_of(ch: str) -> int:
    return {"-": Qt.Key.Key_Minus, " ": Qt.Key.Key_Space}.get(ch) or Qt.Key(ord(ch.upper()))


def type_text(text: str, gap: int, start: int = 1000, end: str | None = "enter") -> int:
    """Type text with `gap` ms between keys, then the end key; returns the last time used."""
    t = start
    for n, ch in enumerate(text):
        t = start + n * gap
        tap(key_of(ch), ch, t)
    if end is not None:
        t += gap
        tap(Qt.Key.Key_Return if end == "enter" else Qt.Key.Key_Tab,
            "\r" if end == "enter" else "\t", t)
    return t


def test_a_scan_goes_to_scanned_and_not_into_the_focused_field(qtbot: Any, form: Form) -> None:
    form.field.setText("abc")
    with qtbot.waitSignal(form.wedge.scanned, timeout=5000) as signal:
        type_text("SN-4471-AB", 10)
    assert signal.args == ["SN-4471-AB"]
    form.wedge.flush()
    assert form.field.text() == "abc"
    assert form.returns == []  # the scan's Enter was swallowed, so no form submitted junk


def test_a_scan_ended_by_tab_keeps_the_focus_where_it_was(qtbot: Any, form: Form) -> None:
    with qtbot.waitSignal(form.wedge.scanned, timeout=5000) as signal:
        type_text("BR01-W-2026-000123", 6, end="tab")
    assert signal.args == ["BR01-W-2026-000123"]
    assert form.field.hasFocus()
    assert form.field.text() == "" and form.other.text() == ""


def test_text_a_person_types_stays_in_the_field(qtbot: Any, form: Form) -> None:
    with qtbot.assertNotEmitted(form.wedge.scanned, wait=100):
        type_text("sn-4471", 120, end=None)
        qtbot.waitUntil(lambda: form.field.text() == "sn-4471", timeout=5000)
    assert form.field.text() == "sn-4471"


def test_a_persons_enter_still_submits_what_they_typed(qtbot: Any, form: Form) -> None:
    with qtbot.assertNotEmitted(form.wedge.scanned, wait=100):
        type_text("4471", 150, end="enter")
    assert form.returns == ["4471"]


def test_a_window_shortcut_on_enter_fires_for_a_person_but_not_for_a_scan(
        qtbot: Any, form: Form) -> None:
    fired: list[str] = []
    shortcut = QShortcut(QKeySequence("Return"), form.window, lambda: fired.append("enter"))
    with qtbot.waitSignal(form.wedge.scanned, timeout=5000):
        type_text("SN-4471-AB", 10)
    assert fired == []
    type_text("ab", 150, start=5000)
    qtbot.waitUntil(lambda: fired == ["enter"], timeout=5000)
    assert form.field.text() == "ab"  # typed before Enter, so there before the shortcut ran
    shortcut.setEnabled(False)


def test_a_fast_three_key_burst_and_enter_reach_the_field(qtbot: Any, form: Form) -> None:
    with qtbot.assertNotEmitted(form.wedge.scanned, wait=100):
        type_text("abc", 10, end="enter")
    assert form.field.text() == "abc"
    assert form.returns == ["abc"]


def test_a_slow_first_key_stays_in_the_field_and_the_fast_rest_is_scanned(
        qtbot: Any, form: Form) -> None:
    with qtbot.waitSignal(form.wedge.scanned, timeout=5000) as signal:
        tap(Qt.Key.Key_X, "x", 1000)
        type_text("SN-4471", 10, start=1300)
    assert signal.args == ["SN-4471"]
    assert form.field.text() == "x"


def test_shift_presses_around_capitals_do_not_break_a_scan(qtbot: Any, form: Form) -> None:
    shift = Qt.KeyboardModifier.ShiftModifier
    target = QApplication.focusWidget()
    assert target is not None
    t = 1000
    with qtbot.waitSignal(form.wedge.scanned, timeout=5000) as signal:
        for ch in "Ab-9Z":
            mods = shift if ch.isupper() else Qt.KeyboardModifier.NoModifier
            if ch.isupper():
                QApplication.sendEvent(target, key_event(
                    QEvent.Type.KeyPress, Qt.Key.Key_Shift, "", t, shift))
            tap(key_of(ch), ch, t + 2, mods)
            t += 8
        tap(Qt.Key.Key_Return, "\r", t)
    assert signal.args == ["Ab-9Z"]
    form.wedge.flush()
    assert form.field.text() == ""


def test_a_gs1_separator_typed_as_ctrl_bracket_stays_in_the_scan(qtbot: Any, form: Form) -> None:
    ctrl = Qt.KeyboardModifier.ControlModifier
    with qtbot.waitSignal(form.wedge.scanned, timeout=5000) as signal:
        type_text("0109506000134352", 5, end=None)
        tap(Qt.Key.Key_BracketRight, GS, 1100, ctrl)
        type_text("21SN1", 5, start=1105)
    assert signal.args == [f"0109506000134352{GS}21SN1"]


def test_backspace_after_held_keys_applies_after_them(qtbot: Any, form: Form) -> None:
    tap(Qt.Key.Key_A, "a", 1000)
    tap(Qt.Key.Key_B, "b", 1010)
    tap(Qt.Key.Key_Backspace, "\b", 1020)
    assert form.field.text() == "a"


def test_a_click_gives_held_keys_to_their_field_first(qtbot: Any, form: Form) -> None:
    tap(Qt.Key.Key_A, "a", 1000)
    tap(Qt.Key.Key_B, "b", 1010)
    QTest.mouseClick(form.other, Qt.MouseButton.LeftButton)
    assert form.field.text() == "ab"
    assert form.other.text() == ""


def test_a_disabled_filter_lets_a_scan_through_as_typing(qtbot: Any, form: Form) -> None:
    form.wedge.set_enabled(False)
    with qtbot.assertNotEmitted(form.wedge.scanned, wait=100):
        type_text("SN-4471", 5)
    assert form.returns == ["SN-4471"]


def test_the_hub_passes_on_a_wedge_scan(qtbot: Any, form: Form) -> None:
    hub = ScannerHub()
    hub.add_wedge(form.wedge)
    with qtbot.waitSignal(hub.scanned, timeout=5000) as signal:
        type_text("C02-XK7-19LM-A1", 7)
    assert signal.args == ["C02-XK7-19LM-A1"]
