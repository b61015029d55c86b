"""Where a print goes: a serial port, a network printer or a file, parsed from one string."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qsl, unquote, urlsplit

from warranty_desk.errors import BadInput

SERIAL, TCP, FILE = "serial", "tcp", "file"
# Raw ESC/POS over the network uses the JetDirect port unless the printer says otherwise.
DEFAULT_TCP_PORT = 9100
# Most serial receipt printers leave the factory at 9600 baud (python-escpos assumes it too).
DEFAULT_BAUD = 9600
BAUDS = (1200, 2400, 4800, 9600, 19200, 38400, 57600, 115200)

_EXAMPLES = ("serial:///dev/ttyUSB0?baud=19200 or serial://COM3 for a serial printer, "
             "tcp://192.168.1.50:9100 for a network printer, or a file path such as "
             "slip.bin or certificate.pdf")


@dataclass(frozen=True, slots=True)
class Target:
    """One printer or file; `str(target)` is the canonical form kept with a print job."""

    kind: str  # serial | tcp | file
    device: str = ""  # the serial port: /dev/ttyUSB0, COM3
    baud: int = DEFAULT_BAUD
    host: str = ""
    port: int = DEFAULT_TCP_PORT
    path: Path | None = None

    @property
    def is_pdf(self) -> bool:
        """A file ending in .pdf gets the PDF form of a document; everything else ESC/POS."""
        return self.path is not None and self.path.suffix.lower() == ".pdf"

    @property
    def is_device(self) -> bool:
        """A printer's device file (/dev/usb/lp0) rather than a document on disk."""
        return self.path is not None and self.path.parts[:2] == ("/", "dev")

    def __str__(self) -> str:
        if self.kind == SERIAL:
            return f"serial://{self.device}?baud={self.baud}"
        if self.kind == TCP:
            return f"tcp://{_host_port(self.host, self.port)}"
        # A plain absolute path, not file://, so a Windows drive letter survives the round trip.
        return str(self.path)


def _host_port(host: str, port: int) -> str:
    return f"[{host}]:{port}" if ":" in host else f"{host}:{port}"


def _bad(text: str, why: str) -> BadInput:
    return BadInput(f"{text!r} is not a printer: {why}. Use {_EXAMPLES}.")


def parse_target(text: str) -> Target:
    """A target from what a person typed or a job stored; BadInput says the accepted forms."""
    raw = text.strip()
    if not raw:
        raise _bad(text, "it is empty")
    scheme, sep, _ = raw.partition("://")
    if not sep:
        return _file(text, raw)
    scheme = scheme.lower()
    if scheme == SERIAL:
        return _serial(text, raw)
    if scheme == TCP:
        return _tcp(text, raw)
    if scheme == FILE:
        parts = urlsplit(raw)
        if parts.netloc not in ("", "localhost"):
            raise _bad(text, "a file target must be on this computer")
        return _file(text, unquote(parts.path))
    raise _bad(text, f"{scheme}:// is not a kind of printer Warranty Desk knows")


def _serial(text: str, raw: str) -> Target:
    parts = urlsplit(raw)
    # serial:///dev/ttyUSB0 puts the port in the path, serial://COM3 in the network location.
    device = parts.netloc + parts.path
    if not device or device == "/":
        raise _bad(text, "it names no serial port")
    baud = DEFAULT_BAUD
    for key, value in parse_qsl(parts.query, keep_blank_values=True):
        if key != "baud":
            raise _bad(text, f"{key!r} is not a serial setting (only baud is)")
        if not value.isdigit() or int(value) not in BAUDS:
            raise _bad(text, f"the baud rate must be one of {', '.join(map(str, BAUDS))}")
        baud = int(value)
    return Target(SERIAL, device=device, baud=baud)


def _tcp(text: str, raw: str) -> Target:
    parts = urlsplit(raw)
    try:
        port = DEFAULT_TCP_PORT if parts.port is None else parts.port
    except ValueError:
        port = 0
    if not 0 < port < 65536:
        raise _bad(text, "the port must be a number from 1 to 65535")
    if not parts.hostname:
        raise _bad(text, "it names no printer address")
    if parts.path not in ("", "/") or parts.query:
        raise _bad(text, "a network printer takes only an address and a port")
    return Target(TCP, host=parts.hostname, port=port)


def _file(text: str, raw: str) -> Target:
    path = Path(raw).expanduser()
    # Stored with the job as an absolute path so a retry from another folder finds it again.
    path = path if path.is_absolute() else Path.cwd() / path
    if raw.endswith(("/", "\\")) or path.is_dir():
        raise _bad(text, "it is a folder; give a file name inside it")
    return Target(FILE, path=path)


def missing_folder(target: Target) -> Path | None:
    """The folder a file target would be saved in, when that folder does not exist."""
    if target.kind != FILE or target.path is None or target.is_device:
        return None
    folder = target.path.parent
    return None if folder.is_dir() else folder
