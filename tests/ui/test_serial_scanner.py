"""Serial scanners: the frame decoder, then the reader and its Qt worker on a real pty pair."""

from __future__ import annotations

import queue
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.socat import PtyPair
from ui.devices.hub import ScannerHub
from ui.devices.serial_reader import (
    SUFFIXES,
    BadFrame,
    FrameDecoder,
    SerialScanner,
    SerialSettings,
)
from ui.devices.serial_worker import SerialScannerWorker

WAIT_S = 20.0  # generous: the reader retries with backoff, and CI machines can be slow
WAIT_MS = int(WAIT_S * 1000)

# --- FrameDecoder -----------------------------------------------------------------------------


def test_several_frames_in_one_read_come_out_in_order() -> None:
    assert FrameDecoder("\r\n").feed(b"A1\r\nB-22\r\nC333\r\n") == ["A1", "B-22", "C333"]


def test_a_frame_split_across_reads_is_joined() -> None:
    decoder = FrameDecoder("\r\n")
    assert decoder.feed(b"SN-44") == []
    assert decoder.pending
    assert decoder.feed(b"71\r") == []
    assert decoder.feed(b"\nNEXT") == ["SN-4471"]
    assert decoder.feed(b"\r\n") == ["NEXT"]


@pytest.mark.parametrize("suffix", list(SUFFIXES))
def test_each_suffix_ends_a_frame(suffix: str) -> None:
    data = f"SN-1{suffix}SN-2{suffix}".encode()
    assert FrameDecoder(suffix).feed(data) == ["SN-1", "SN-2"]


def test_a_cr_lf_scanner_set_up_here_as_cr_still_gives_clean_scans() -> None:
    assert FrameDecoder("\r").feed(b"SN-1\r\nSN-2\r\n") == ["SN-1", "SN-2"]


def test_bytes_that_are_not_utf8_give_a_bad_frame_naming_them() -> None:
    (frame,) = FrameDecoder().feed(b"\xff\xfe\r\n")
    assert frame == BadFrame(
        "The scanner sent something that is not text (bytes 0xff 0xfe). "
        "Check the scanner's baud rate and suffix in Settings > Devices.")


def test_control_bytes_give_a_bad_frame_naming_them() -> None:
    (frame,) = FrameDecoder().feed(b"AB\x00C\x07\r\n")
    assert isinstance(frame, BadFrame)
    assert "(bytes 0x00 0x07)" in frame.reason


def test_gs1_separators_and_tabs_are_kept_as_text() -> None:
    assert FrameDecoder().feed(b"0109506000134352\x1d21SN1\tX\r\n") == [
        "0109506000134352\x1d21SN1\tX"]


def test_an_over_long_frame_is_reported_once_and_the_next_scan_is_clean() -> None:
    decoder = FrameDecoder("\r\n", max_frame=512)
    frames = decoder.feed(b"x" * 300) + decoder.feed(b"y" * 300) + decoder.feed(b"z" * 600)
    assert frames == [BadFrame("The scanner sent no end-of-scan suffix after 512 characters: "
                               "set the scanner's suffix in Settings > Devices.")]
    assert decoder.feed(b"tail\r\nSN-1\r\n") == ["SN-1"]


def test_a_long_frame_with_its_suffix_in_the_same_read_is_still_too_long() -> None:
    (frame,) = FrameDecoder(max_frame=10).feed(b"0123456789A\r\n")
    assert isinstance(frame, BadFrame) and "after 10 characters" in frame.reason


def test_a_frame_left_without_suffix_expires_with_what_it_said() -> None:
    decoder = FrameDecoder("\r\n")
    decoder.feed(b"SN-4471\t")
    expired = decoder.expire()
    assert expired is not None
    assert '"SN-4471' in expired.reason and "(CR LF)" in expired.reason
    assert not decoder.pending
    assert decoder.expire() is None


def test_blank_lines_are_not_scans() -> None:
    assert FrameDecoder("\n").feed(b"\n\r\n\n") == []


@given(st.lists(st.binary(max_size=80), max_size=20), st.sampled_from(list(SUFFIXES)))
def test_the_decoder_never_raises_on_arbitrary_bytes(chunks: list[bytes], suffix: str) -> None:
    decoder = FrameDecoder(suffix, max_frame=64)
    for chunk in chunks:
        for frame in decoder.feed(chunk):
            assert isinstance(frame, str | BadFrame)
            if isinstance(frame, str):
                assert frame and suffix not in frame and len(frame.encode()) <= 64
    assert decoder.expire() is None or not decoder.pending


_TEXT = st.text(st.characters(blacklist_categories=("Cc", "Cs")), min_size=1, max_size=40)


@given(st.lists(_TEXT, min_size=1, max_size=10), st.sampled_from(list(SUFFIXES)),
       st.lists(st.integers(1, 30), max_size=10))
def test_text_frames_survive_any_split_of_the_stream(
        frames: list[str], suffix: str, cuts: list[int]) -> None:
    data = "".join(f"{frame}{suffix}" for frame in frames).encode()
    decoder, out, at = FrameDecoder(suffix), [], 0
    for cut in [*cuts, len(data)]:
        out += decoder.feed(data[at:at + cut])
        at += cut
    out += decoder.feed(data[at:])
    assert out == frames


def test_settings_refuse_an_unknown_suffix() -> None:
    with pytest.raises(ValueError, match="CR LF"):
        SerialSettings(port="/dev/ttyUSB0", suffix=";")


# --- SerialScanner with a fake port (for what a pty cannot do) ----------------------------------


class FakePort:
    def __init__(self, chunks: list[bytes]) -> None:
        self.chunks = chunks
        self.closed = 0

    @property
    def in_waiting(self) -> int:
        return 0

    def read(self, size: int = 1) -> bytes:
        if self.chunks:
            return self.chunks.pop(0)
        time.sleep(0.01)
        return b""

    def close(self) -> None:
        self.closed += 1


def run_briefly(scanner: SerialScanner, until: Any) -> list[tuple[str, ...]]:
    """Run the reader on a thread until `until(events)` holds (or WAIT_S passes)."""
    events: list[tuple[str, ...]] = []
    stop = threading.Event()
    thread = threading.Thread(
        target=scanner.run,
        args=(lambda text: events.append(("scan", text)),
              lambda level, message: events.append((level, message)), stop))
    thread.start()
    deadline = time.monotonic() + WAIT_S
    while not until(events) and time.monotonic() < deadline:
        time.sleep(0.01)
    stop.set()
    thread.join(WAIT_S)
    assert not thread.is_alive()
    return events


@pytest.mark.logs(r"^scanner callback .* failed")
def test_a_receiver_that_raises_does_not_stop_the_reader() -> None:
    port = FakePort([b"ONE\r\n", b"TWO\r\n"])
    seen: list[str] = []

    def on_scan(text: str) -> None:
        seen.append(text)
        raise RuntimeError("a bug in a screen")

    stop = threading.Event()
    scanner = SerialScanner(SerialSettings(port="fake"), opener=lambda *a, **k: port)
    thread = threading.Thread(target=scanner.run, args=(on_scan, lambda *_: None, stop))
    thread.start()
    deadline = time.monotonic() + WAIT_S
    while len(seen) < 2 and time.monotonic() < deadline:
        time.sleep(0.01)
    stop.set()
    thread.join(WAIT_S)
    assert seen == ["ONE", "TWO"]
    assert port.closed == 1


@pytest.mark.logs(r"^serial scanner reader failed")
def test_a_bug_while_opening_is_reported_as_an_error_and_retried() -> None:
    attempts: list[int] = []

    def opener(*args: Any, **kwargs: Any) -> FakePort:
        attempts.append(1)
        if len(attempts) == 1:
            raise ValueError("not a port setting pyserial knows")
        return FakePort([b"SN-1\r\n"])

    scanner = SerialScanner(SerialSettings(port="fake"), opener=opener, first_retry_s=0.01)
    events = run_briefly(scanner, lambda ev: ("scan", "SN-1") in ev)
    assert [level for level, _ in events] == ["error", "online", "scan"]


def test_a_port_this_user_may_not_open_says_how_to_fix_it() -> None:
    def opener(*args: Any, **kwargs: Any) -> FakePort:
        raise PermissionError(13, "Permission denied")

    scanner = SerialScanner(SerialSettings(port="/dev/ttyS9"), opener=opener)
    events = run_briefly(scanner, lambda ev: bool(ev))
    assert events[0][0] == "offline"
    assert "dialout" in events[0][1]


def test_a_scan_with_no_suffix_is_reported_once_the_line_goes_quiet() -> None:
    scanner = SerialScanner(SerialSettings(port="fake"), opener=lambda *a, **k: FakePort(
        [b"SN-4471"]), quiet_after_s=0.05)
    events = run_briefly(scanner, lambda ev: any(level == "warning" for level, _ in ev))
    assert events[-1][0] == "warning"
    assert "SN-4471" in events[-1][1] and "without its end-of-scan suffix" in events[-1][1]


# --- A real pty pair from socat ---------------------------------------------------------------


@pytest.fixture
def pty_pair(tmp_path: Path) -> Iterator[PtyPair]:
    pair = PtyPair(tmp_path)
    pair.plug_in()
    yield pair
    pair.unplug()


class Reader:
    """A SerialScanner on a plain thread, its reports in a queue."""

    def __init__(self, settings: SerialSettings) -> None:
        self.events: queue.Queue[tuple[str, str]] = queue.Queue()
        self.stop = threading.Event()
        self.scanner = SerialScanner(settings)
        self.thread = threading.Thread(
            target=self.scanner.run,
            args=(lambda text: self.events.put(("scan", text)),
                  lambda level, message: self.events.put((level, message)), self.stop))
        self.thread.start()

    def next(self, kind: str) -> tuple[str, str]:
        """The next report of this kind; reports of other kinds before it are a failure."""
        level, text = self.events.get(timeout=WAIT_S)
        assert level == kind, (level, text)
        return level, text

    def close(self) -> None:
        self.stop.set()
        self.scanner.interrupt()
        self.thread.join(WAIT_S)
        assert not self.thread.is_alive()


@pytest.fixture
def reader(pty_pair: PtyPair) -> Iterator[Reader]:
    r = Reader(SerialSettings(port=str(pty_pair.host)))
    r.next("online")
    yield r
    r.close()


def test_a_scan_sent_down_the_wire_arrives_as_text(pty_pair: PtyPair, reader: Reader) -> None:
    pty_pair.send(b"SN-4471-AB\r\n")
    assert reader.next("scan") == ("scan", "SN-4471-AB")


def test_several_scans_in_one_write_arrive_in_order(pty_pair: PtyPair, reader: Reader) -> None:
    pty_pair.send(b"A-1\r\nB-2\r\nC-3\r\n")
    assert [reader.next("scan")[1] for _ in range(3)] == ["A-1", "B-2", "C-3"]


def test_a_scan_split_across_two_writes_arrives_whole(pty_pair: PtyPair, reader: Reader) -> None:
    pty_pair.send(b"BR01-W-20")
    time.sleep(0.1)
    pty_pair.send(b"26-000123\r\n")
    assert reader.next("scan") == ("scan", "BR01-W-2026-000123")


def test_garbage_gives_a_warning_and_the_next_scan_still_arrives(
        pty_pair: PtyPair, reader: Reader) -> None:
    pty_pair.send(b"\xff\xfe\x80\r\n")
    _, message = reader.next("warning")
    assert "not text (bytes 0xff 0xfe 0x80)" in message
    pty_pair.send(b"GOOD-1\r\n")
    assert reader.next("scan") == ("scan", "GOOD-1")


def test_unplugging_reports_offline_and_plugging_back_in_resumes_scans(
        pty_pair: PtyPair, reader: Reader) -> None:
    pty_pair.unplug()
    _, message = reader.next("offline")
    assert message == f"Scanner on {pty_pair.host} is unplugged or off; reconnecting…"
    pty_pair.plug_in()
    assert reader.next("online") == ("online", f"Scanner on {pty_pair.host} connected.")
    pty_pair.send(b"AFTER-REPLUG\r\n")
    assert reader.next("scan") == ("scan", "AFTER-REPLUG")


def test_a_scanner_missing_at_start_is_picked_up_when_plugged_in(tmp_path: Path) -> None:
    pair = PtyPair(tmp_path)
    r = Reader(SerialSettings(port=str(pair.host)))
    try:
        r.next("offline")
        pair.plug_in()
        r.next("online")
        pair.send(b"SN-1\r\n")
        assert r.next("scan") == ("scan", "SN-1")
    finally:
        r.close()
        pair.unplug()


def test_stopping_the_reader_is_no_unplug_and_close_may_be_repeated(
        pty_pair: PtyPair, reader: Reader) -> None:
    reader.close()
    reader.scanner.close()
    reader.scanner.close()
    assert reader.events.empty()  # a stop is not an unplug: no offline report


# --- The Qt worker and the hub ----------------------------------------------------------------


@pytest.fixture
def worker(qtbot: Any) -> Iterator[SerialScannerWorker]:
    w = SerialScannerWorker()
    yield w
    w.stop()


def test_the_worker_emits_scans_and_status_on_the_gui_thread(
        qtbot: Any, pty_pair: PtyPair, worker: SerialScannerWorker) -> None:
    threads: list[bool] = []
    worker.scanned.connect(lambda _t: threads.append(threading.current_thread()
                                                     is threading.main_thread()))
    with qtbot.waitSignal(worker.status, timeout=WAIT_MS) as status:
        worker.start(SerialSettings(port=str(pty_pair.host)))
    assert status.args[0] == "online"
    with qtbot.waitSignal(worker.scanned, timeout=WAIT_MS) as scanned:
        pty_pair.send(b"SN-4471\r\n")
    assert scanned.args == ["SN-4471"]
    assert threads == [True]


def test_the_worker_reports_an_unplug_and_the_replug(
        qtbot: Any, pty_pair: PtyPair, worker: SerialScannerWorker) -> None:
    with qtbot.waitSignal(worker.status, timeout=WAIT_MS):
        worker.start(SerialSettings(port=str(pty_pair.host)))
    with qtbot.waitSignal(worker.status, timeout=WAIT_MS,
                          check_params_cb=lambda level, _m: level == "offline"):
        pty_pair.unplug()
    with qtbot.waitSignal(worker.status, timeout=WAIT_MS,
                          check_params_cb=lambda level, _m: level == "online"):
        pty_pair.plug_in()
    with qtbot.waitSignal(worker.scanned, timeout=WAIT_MS) as scanned:
        pty_pair.send(b"BACK-1\r\n")
    assert scanned.args == ["BACK-1"]


def test_restarting_the_worker_with_a_new_suffix_reads_with_it(
        qtbot: Any, pty_pair: PtyPair, worker: SerialScannerWorker) -> None:
    with qtbot.waitSignal(worker.status, timeout=WAIT_MS):
        worker.start(SerialSettings(port=str(pty_pair.host)))
    with qtbot.waitSignal(worker.status, timeout=WAIT_MS):
        worker.restart(SerialSettings(port=str(pty_pair.host), suffix="\t"))
    with qtbot.waitSignal(worker.scanned, timeout=WAIT_MS) as scanned:
        pty_pair.send(b"TABBED-1\t")
    assert scanned.args == ["TABBED-1"]


def test_stopping_the_worker_ends_its_thread(
        qtbot: Any, pty_pair: PtyPair, worker: SerialScannerWorker) -> None:
    with qtbot.waitSignal(worker.status, timeout=WAIT_MS):
        worker.start(SerialSettings(port=str(pty_pair.host)))
    worker.stop()
    assert not worker.running
    worker.stop()
    assert not worker.running


def test_the_hub_passes_on_serial_scans_and_status(
        qtbot: Any, pty_pair: PtyPair, worker: SerialScannerWorker) -> None:
    hub = ScannerHub()
    hub.add_serial(worker)
    with qtbot.waitSignal(hub.status, timeout=WAIT_MS):
        worker.start(SerialSettings(port=str(pty_pair.host)))
    assert hub.last_status == ("online", f"Scanner on {pty_pair.host} connected.")
    with qtbot.waitSignal(hub.scanned, timeout=WAIT_MS) as scanned:
        pty_pair.send(b"HUB-1\r\n")
    assert scanned.args == ["HUB-1"]
