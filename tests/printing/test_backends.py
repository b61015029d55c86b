"""Printer backends on real devices: a socat pty pair, loopback TCP servers, files."""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from printing.backends import open_backend
from printing.backends.file import FilePrinter
from printing.backends.network import NetworkPrinter
from printing.backends.serial_port import SerialPrinter
from printing.targets import parse_target
from tests.printing.printer_servers import closed_port, printer
from tests.socat import PtyPair
from warranty_desk.errors import DeviceUnavailable

WAIT_S = 20.0  # generous: socat and the threads share two cores with other test runs
# An ESC/POS-like job with every byte value, so nothing may be translated on the way.
JOB = b"\x1b@" + bytes(range(256)) * 8 + b"BR01-W-2026-000042\n\x1dV\x00"


# --- Serial, over a real pty pair from socat ---------------------------------------------------


@pytest.fixture
def pty_pair(tmp_path: Path) -> Iterator[PtyPair]:
    pair = PtyPair(tmp_path)
    pair.plug_in(listen=True)
    yield pair
    pair.unplug()


def test_a_serial_printer_gets_exactly_the_bytes_sent(pty_pair: PtyPair) -> None:
    backend = open_backend(parse_target(f"serial://{pty_pair.host}?baud=115200"))
    try:
        backend.deliver(JOB)
        assert pty_pair.received(len(JOB)) == JOB
        backend.deliver(b"second slip\n")
        assert pty_pair.received(12) == b"second slip\n"
        assert pty_pair.nothing_more()
    finally:
        backend.close()
        backend.close()


def test_the_port_is_opened_only_when_the_first_slip_goes(tmp_path: Path) -> None:
    backend = SerialPrinter(str(tmp_path / "nothing-here"))
    backend.close()  # never opened: nothing to do, nothing raised


def test_a_serial_port_that_does_not_exist_is_unavailable_in_plain_words(tmp_path: Path) -> None:
    backend = SerialPrinter(str(tmp_path / "ttyUSB9"))
    with pytest.raises(DeviceUnavailable) as caught:
        backend.deliver(JOB)
    assert str(caught.value) == (
        f"The receipt printer on {tmp_path / 'ttyUSB9'} could not be opened: there is no such "
        "port. Check the printer's cable or USB adapter is plugged in and the port name in "
        "Settings > Devices.")
    backend.close()


def test_a_port_another_program_holds_is_named_as_in_use(pty_pair: PtyPair) -> None:
    first, second = SerialPrinter(str(pty_pair.host)), SerialPrinter(str(pty_pair.host))
    try:
        first.deliver(b"x")
        with pytest.raises(DeviceUnavailable, match="is in use by another program"):
            second.deliver(b"y")
    finally:
        first.close()
        second.close()


def test_a_printer_that_stops_reading_times_out_instead_of_hanging(pty_pair: PtyPair) -> None:
    # Nobody reads the printer's end: the pty buffers fill and the write must give up.
    backend = SerialPrinter(str(pty_pair.host), write_timeout=0.5)
    started = time.monotonic()
    with pytest.raises(DeviceUnavailable, match="did not take the data in time"):
        backend.deliver(b"\x00" * 4_000_000)
    assert time.monotonic() - started < WAIT_S
    backend.close()


def test_a_printer_unplugged_after_a_slip_fails_the_next_one_plainly(pty_pair: PtyPair) -> None:
    backend = SerialPrinter(str(pty_pair.host))
    try:
        backend.deliver(b"first\n")
        assert pty_pair.received(6) == b"first\n"
        pty_pair.unplug()
        with pytest.raises(DeviceUnavailable, match=r"^The receipt printer on .*host "):
            backend.deliver(b"second\n")
    finally:
        backend.close()


# --- Network, against loopback servers ---------------------------------------------------------


def test_a_network_printer_gets_exactly_the_bytes_sent() -> None:
    with printer("prints") as server:
        backend = open_backend(parse_target(server.target))
        backend.deliver(JOB)
        backend.deliver(b"second slip\n")
        backend.close()
        backend.close()
        assert server.wait_for_jobs(2) == [JOB, b"second slip\n"]


def test_a_large_job_arrives_whole() -> None:
    big = os.urandom(3_000_000)
    with printer("prints") as server:
        NetworkPrinter("127.0.0.1", server.port).deliver(big)
        assert server.wait_for_jobs(1) == [big]


def test_a_printer_that_refuses_the_connection_is_unavailable() -> None:
    port = closed_port()
    with pytest.raises(DeviceUnavailable) as caught:
        NetworkPrinter("127.0.0.1", port).deliver(JOB)
    assert str(caught.value) == (
        f"The receipt printer at 127.0.0.1:{port} refused the connection. Check it is "
        f"switched on and that {port} is its port.")


def test_a_printer_that_drops_the_connection_mid_job_is_unavailable() -> None:
    with printer("drops") as server, pytest.raises(DeviceUnavailable) as caught:
        NetworkPrinter("127.0.0.1", server.port).deliver(JOB * 20)
    assert str(caught.value).startswith(
        f"The receipt printer at 127.0.0.1:{server.port} dropped the connection before it "
        "had the whole document (")
    assert str(caught.value).endswith(
        "Check it is switched on, has paper and is on the network.")


def test_a_printer_that_stops_reading_gives_up_after_the_send_timeout() -> None:
    with printer("stalls") as server:
        backend = NetworkPrinter("127.0.0.1", server.port, send_timeout=0.5)
        started = time.monotonic()
        with pytest.raises(DeviceUnavailable, match="stopped taking data part way through"):
            backend.deliver(b"\x00" * 64_000_000)
        assert time.monotonic() - started < WAIT_S


def test_a_printer_name_the_network_does_not_know_is_named() -> None:
    with pytest.raises(DeviceUnavailable, match=r"the network does not know the name "
                                                r"no-such-printer\.invalid"):
        NetworkPrinter("no-such-printer.invalid").deliver(JOB)


# --- Files and device files --------------------------------------------------------------------


def test_a_file_gets_exactly_the_bytes_and_a_second_print_replaces_it(tmp_path: Path) -> None:
    out = tmp_path / "slip.bin"
    backend = open_backend(parse_target(str(out)))
    backend.deliver(JOB)
    assert out.read_bytes() == JOB
    backend.deliver(b"shorter")
    backend.close()
    backend.close()
    assert out.read_bytes() == b"shorter"
    assert [p.name for p in tmp_path.iterdir()] == ["slip.bin"]  # no temp file left behind


def test_a_file_in_a_missing_folder_is_unavailable_and_says_which_folder(tmp_path: Path) -> None:
    out = tmp_path / "gone" / "slip.bin"
    with pytest.raises(DeviceUnavailable) as caught:
        FilePrinter(out).deliver(JOB)
    assert str(caught.value) == (
        f"The file {out} could not be written (no such file or directory). Check the folder "
        f"{out.parent} exists, has space and may be written to.")


def test_a_failed_write_leaves_the_old_file_whole(tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "slip.bin"
    out.write_bytes(b"the earlier slip")

    def full_disk(fd: int) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", full_disk)
    with pytest.raises(DeviceUnavailable, match=r"\(no space left on device\)"):
        FilePrinter(out).deliver(JOB)
    assert out.read_bytes() == b"the earlier slip"
    assert [p.name for p in tmp_path.iterdir()] == ["slip.bin"]


def test_a_device_file_is_written_in_place(pty_pair: PtyPair) -> None:
    # A pty stands in for /dev/usb/lp0: a node that is not a regular file.
    FilePrinter(pty_pair.host).deliver(JOB)
    assert pty_pair.received(len(JOB)) == JOB
    assert pty_pair.host.is_symlink()  # still socat's link, not replaced by a file


def test_an_unplugged_device_file_is_unavailable_and_never_created() -> None:
    lp = Path("/dev/usb/lp-warranty-desk-test")
    with pytest.raises(DeviceUnavailable) as caught:
        FilePrinter(lp).deliver(JOB)
    assert str(caught.value) == (
        f"The printer at {lp} could not be written to (no such file or directory). Check it "
        "is switched on, has paper and its cable is plugged in.")
    assert not lp.exists()
