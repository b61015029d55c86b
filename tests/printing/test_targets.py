"""Target strings: every accepted form, and a plain message with examples for the rest."""

from __future__ import annotations

from pathlib import Path

import pytest

from printing.targets import Target, parse_target
from warranty_desk.errors import BadInput

EXAMPLES = ("Use serial:///dev/ttyUSB0?baud=19200 or serial://COM3 for a serial printer, "
            "tcp://192.168.1.50:9100 for a network printer, or a file path such as slip.bin "
            "or certificate.pdf.")


@pytest.mark.parametrize(("text", "expected"), [
    ("serial:///dev/ttyUSB0?baud=19200", Target("serial", device="/dev/ttyUSB0", baud=19200)),
    ("serial:///dev/ttyS0", Target("serial", device="/dev/ttyS0", baud=9600)),
    ("serial://COM3", Target("serial", device="COM3")),
    ("SERIAL://COM12?baud=38400", Target("serial", device="COM12", baud=38400)),
    ("tcp://192.168.1.50:9100", Target("tcp", host="192.168.1.50", port=9100)),
    ("tcp://192.168.1.50", Target("tcp", host="192.168.1.50", port=9100)),
    ("tcp://receipt-printer.local:9101/", Target("tcp", host="receipt-printer.local", port=9101)),
    ("tcp://[fe80::1]:9100", Target("tcp", host="fe80::1", port=9100)),
    ("file:///srv/prints/slip.bin", Target("file", path=Path("/srv/prints/slip.bin"))),
    ("file:///srv/my%20prints/cert.pdf", Target("file", path=Path("/srv/my prints/cert.pdf"))),
    ("/dev/usb/lp0", Target("file", path=Path("/dev/usb/lp0"))),
])
def test_each_accepted_form_parses(text: str, expected: Target) -> None:
    assert parse_target(text) == expected


def test_a_relative_path_is_kept_absolute_so_a_retry_elsewhere_finds_it(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    target = parse_target("out/slip.bin")
    assert target == Target("file", path=tmp_path / "out" / "slip.bin")
    assert str(target) == str(tmp_path / "out" / "slip.bin")


@pytest.mark.parametrize("text", [
    "serial:///dev/ttyUSB0?baud=19200", "serial://COM3?baud=9600", "tcp://10.0.0.7:9100",
    "tcp://[::1]:9200", "/srv/prints/certificate.pdf",
])
def test_the_stored_form_parses_back_to_the_same_target(text: str) -> None:
    target = parse_target(text)
    assert str(target) == text
    assert parse_target(str(target)) == target


@pytest.mark.parametrize(("text", "is_pdf", "is_device"), [
    ("/srv/certificate.pdf", True, False),
    ("/srv/CERTIFICATE.PDF", True, False),
    ("/srv/slip.bin", False, False),
    ("/dev/usb/lp0", False, True),
    ("tcp://10.0.0.7", False, False),
    ("serial://COM3", False, False),
])
def test_pdf_files_and_device_files_are_told_apart(text: str, is_pdf: bool,
                                                     is_device: bool) -> None:
    target = parse_target(text)
    assert (target.is_pdf, target.is_device) == (is_pdf, is_device)


@pytest.mark.parametrize(("text", "why"), [
    ("", "it is empty"),
    ("   ", "it is empty"),
    ("usb://04b8:0202", "usb:// is not a kind of printer Warranty Desk knows"),
    ("http://192.168.1.50/print", "http:// is not a kind of printer Warranty Desk knows"),
    ("serial://", "it names no serial port"),
    ("serial:///dev/ttyUSB0?baud=1234", "the baud rate must be one of 1200, 2400, 4800, "
                                        "9600, 19200, 38400, 57600, 115200"),
    ("serial:///dev/ttyUSB0?baud=fast", "the baud rate must be one of 1200, 2400, 4800, "
                                        "9600, 19200, 38400, 57600, 115200"),
    ("serial:///dev/ttyUSB0?parity=N", "'parity' is not a serial setting (only baud is)"),
    ("tcp://", "it names no printer address"),
    ("tcp://:9100", "it names no printer address"),
    ("tcp://10.0.0.7:printer", "the port must be a number from 1 to 65535"),
    ("tcp://10.0.0.7:0", "the port must be a number from 1 to 65535"),
    ("tcp://10.0.0.7:70000", "the port must be a number from 1 to 65535"),
    ("tcp://10.0.0.7:9100/queue", "a network printer takes only an address and a port"),
    ("file://fileserver/prints/slip.bin", "a file target must be on this computer"),
])
def test_a_bad_target_says_why_and_shows_every_form(text: str, why: str) -> None:
    with pytest.raises(BadInput) as caught:
        parse_target(text)
    assert str(caught.value) == f"{text!r} is not a printer: {why}. {EXAMPLES}"


def test_a_folder_is_not_a_file_to_print_into(tmp_path: Path) -> None:
    for text in (str(tmp_path), f"{tmp_path}/"):
        with pytest.raises(BadInput, match="it is a folder; give a file name inside it"):
            parse_target(text)
