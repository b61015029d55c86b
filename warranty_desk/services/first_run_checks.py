"""The first-run setup's checks that need no database: the logo, a test scan, and the sync
settings for head office or for working alone."""

from __future__ import annotations

import io
from dataclasses import dataclass, replace

from warranty_desk import config
from warranty_desk.config import SyncSettings
from warranty_desk.scan_text import clean
from warranty_desk.scanning import ScanKind, classify
from warranty_desk.services.shop_settings import LOGO_MAX_BYTES

# A logo prints about 15 mm tall on a slip; smaller than this it is a blur, larger it is a
# photo (and a picture that claims more pixels than this is refused before it is decoded).
LOGO_MIN_PX, LOGO_MAX_PX = 32, 4000
# Locales and currencies offered first; any other babel knows can be typed.
LOCALES = ("en_GB", "en_IE", "en_US", "de_DE", "de_AT", "fr_FR", "nl_NL", "es_ES", "it_IT",
           "pl_PL", "sv_SE", "da_DK", "ja_JP")
CURRENCIES = ("GBP", "EUR", "USD", "CHF", "PLN", "SEK", "DKK", "JPY")
# What a test scan most likely is, in the words of the scanner step.
SCAN_WORDS = {
    ScanKind.SERIAL: "a serial number",
    ScanKind.GS1: "a GS1 barcode",
    ScanKind.INVOICE_NUMBER: "an invoice number",
    ScanKind.WARRANTY_CODE: "a warranty code",
    ScanKind.CLAIM_NUMBER: "a claim number",
    ScanKind.PHONE: "a phone number",
    ScanKind.TEXT: "plain text, not a code the counter looks up",
    ScanKind.EMPTY: "nothing",
}
# How much of a scan the step repeats; a longer one is cut short with an ellipsis.
_SHOWN = 120


@dataclass(frozen=True, slots=True)
class LogoFile:
    """A picture picked for the logo: its file name (for messages) and its bytes."""

    name: str
    data: bytes


def logo_problem(logo: LogoFile) -> str | None:
    """Why the picked file cannot be the logo, in plain words; None when it can."""
    from PIL import Image, UnidentifiedImageError  # only a picked logo needs Pillow

    name = logo.name or "The file"
    if not logo.data:
        return f"{name} is empty. Pick the logo's PNG or JPEG file."
    if len(logo.data) > LOGO_MAX_BYTES:
        return (f"{name} is {len(logo.data) / 1_048_576:.1f} MB; a logo must be under 2 MB. "
                "Save a smaller PNG or JPEG of it and pick that.")
    try:
        # Reads the header only: the size is known before any pixel is decoded.
        with Image.open(io.BytesIO(logo.data)) as image:
            kind, (width, height) = image.format, image.size
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError):
        kind, width, height = None, 0, 0
    if kind not in ("PNG", "JPEG"):
        return f"{name} is not a PNG or JPEG picture. Save the logo as PNG or JPEG and pick it."
    if min(width, height) < LOGO_MIN_PX:
        return (f"{name} is only {width} × {height} pixels; a logo needs at least "
                f"{LOGO_MIN_PX} pixels each way to print clearly. Pick a larger picture.")
    if max(width, height) > LOGO_MAX_PX:
        return (f"{name} is {width} × {height} pixels; a logo may be at most {LOGO_MAX_PX} "
                "pixels each way. Save a smaller copy and pick that.")
    return None


@dataclass(frozen=True, slots=True)
class ScanReading:
    """A test scan as the scanner step shows it: what came in, and what it reads as."""

    shown: str
    kind: ScanKind
    words: str


def read_scan(text: str) -> ScanReading:
    """What the scanner sent (controls shown by name) and what the counter would take it for."""
    scan = classify(text)
    shown = "".join(ch if ch.isprintable() else f"<{ord(ch):02X}>" for ch in text)
    if len(shown) > _SHOWN:
        shown = shown[:_SHOWN] + "…"
    words = SCAN_WORDS[scan.kind]
    if scan.kind is ScanKind.GS1:
        parts = [f"GTIN {scan.gtin}" if scan.gtin else "", f"serial {scan.serial}"
                 if scan.serial else "", f"lot {scan.lot}" if scan.lot else ""]
        words += " (" + ", ".join(p for p in parts if p) + ")" if any(parts) else ""
    elif scan.kind is not ScanKind.EMPTY and scan.value != clean(text):
        words += f": {scan.value}"
    if scan.problem:
        words += f". {scan.problem}"
    return ScanReading(shown, scan.kind, words)


def head_office_sync(current: SyncSettings, url: str) -> tuple[SyncSettings, list[str]]:
    """The sync settings for working with head office at `url`, and every problem with them."""
    wanted = replace(current, portal_url=url.strip(), messages="head_office")
    found = [] if wanted.portal_url else ["type head office's portal address, e.g. "
                                          "https://portal.example.com/api/v1"]
    return wanted, found + config.sync_problems(wanted)


def alone_sync(current: SyncSettings, host: str, port: int, tls: str, user: str,
               mail_from: str) -> tuple[SyncSettings, list[str]]:
    """The sync settings for a shop working alone that mails its customers by its own server,
    and every problem with them."""
    wanted = replace(current, portal_url="", messages="smtp", smtp_host=host.strip(),
                     smtp_port=port, smtp_tls=tls, smtp_user=user.strip(),
                     mail_from=mail_from.strip())
    return wanted, config.sync_problems(wanted)
