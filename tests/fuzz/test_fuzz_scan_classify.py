"""`scanning.classify` on fuzzed strings: it never raises, and never accepts a GTIN whose check
digit is wrong, in whatever form a scanner or a person hands it over."""

from __future__ import annotations

import random

import pytest

from tests.soak import rounds
from warranty_desk.scanning import ScanKind, classify

GS = "\x1d"
# What scanners and people send: digits, GS1 brackets, AIM identifiers, dashes of every kind,
# control characters, letters that upper-case into ASCII, and a few from far away.
ALPHABET = ("0123456789" * 4 + "()[]]" + GS + "\r\n\t -_/.#:+" + "ABCDEFWIXYZ" + "abcxyz"
            + "\u2010\u2013\u2014\u00a0\u200b\ufeff" + "ſıİß" + "\x00\x7f\x1b" + "é漢🙂"
            + "\ud800")
PREFIXES = ("", "", "", "]C1", "]d2", "]Q3", "]e0", "]E0", "]E4", "]A0", "]C0")
TEMPLATES = ("BR01-W-2026-000123", "BR01-C-2026-000045", "INV-2026-0042", "#1001",
             "(01)09506000134352(21)SN1", "0109506000134352" + GS + "21SN-77", "07700 900596",
             "+44 7700 900596", "SN-LUM-000123", "5012345678900")


def check_digit(body: str) -> str:
    """The GS1 mod-10 check digit, worked out here and not by the code under test."""
    total = sum(int(d) * (3 if i % 2 == 0 else 1) for i, d in enumerate(reversed(body)))
    return str((10 - total % 10) % 10)


def fuzzed(rng: random.Random) -> str:
    """One string: random characters, or a real-looking code mutated a few times."""
    if rng.random() < 0.5:
        text = "".join(rng.choice(ALPHABET) for _ in range(rng.randint(0, 48)))
    else:
        chars = list(rng.choice(TEMPLATES))
        for _ in range(rng.randint(1, 4)):
            at = rng.randint(0, len(chars))
            move = rng.random()
            if move < 0.4 and chars:
                chars[min(at, len(chars) - 1)] = rng.choice(ALPHABET)
            elif move < 0.7:
                chars.insert(at, rng.choice(ALPHABET))
            elif chars:
                del chars[min(at, len(chars) - 1)]
        text = "".join(chars)
    if rng.random() < 0.01:
        text *= rng.randint(20, 200)  # past the longest scan a counter accepts
    return rng.choice(PREFIXES) + text


def with_bad_check_digit(rng: random.Random) -> tuple[str, str]:
    """A GS1 string whose GTIN has the wrong check digit, and that GTIN as 14 digits."""
    length = rng.choice((8, 12, 13, 14))
    body = "".join(rng.choice("0123456789") for _ in range(length - 1))
    if not body.strip("0"):
        body = "1" + body[1:]
    right = check_digit(body)
    wrong = rng.choice([d for d in "0123456789" if d != right])
    gtin = body + wrong
    gtin14 = gtin.zfill(14)
    serial = "".join(rng.choice("ABCDEFGHJK0123456789") for _ in range(rng.randint(1, 20)))
    ai = rng.choice(("01", "02"))
    form = rng.randrange(7)
    if form == 0:
        return f"({ai}){gtin14}", gtin14
    if form == 1:
        return f"({ai}){gtin14}(21){serial}(10)L{serial[:5]}", gtin14
    if form == 2:
        return f"{rng.choice((']C1', ']d2', ']Q3', ']e0'))}{ai}{gtin14}21{serial}", gtin14
    if form == 3:
        return f"{ai}{gtin14}21{serial}{GS}10LOT1", gtin14
    if form == 4:
        return f"]E{rng.choice('04')}{gtin}", gtin14
    if form == 5:
        return gtin, gtin14  # a bare EAN/UPC/GTIN-14, typed or scanned without identifier
    return f"  {ai}{gtin14}\r\n", gtin14


def accepted_gtins(text: str) -> set[str]:
    scan = classify(text)
    found = {scan.gtin} if scan.gtin is not None else set()
    if scan.kind is ScanKind.GS1:
        found.add(scan.value)
    return found


@pytest.mark.soak
def test_fuzzed_strings_never_make_classify_raise() -> None:
    rng = random.Random(20)
    count = rounds(100_000)
    kinds: set[ScanKind] = set()
    for _ in range(count):
        text = fuzzed(rng)
        try:
            scan = classify(text)
        except Exception as exc:  # pragma: no cover - the failure names the string
            raise AssertionError(f"classify raised {exc!r} on {text!r}") from exc
        assert scan.raw == text
        kinds.add(scan.kind)
    # The fuzzing reached every reading, not just "text".
    assert kinds >= {ScanKind.WARRANTY_CODE, ScanKind.CLAIM_NUMBER, ScanKind.INVOICE_NUMBER,
                     ScanKind.SERIAL, ScanKind.GS1, ScanKind.PHONE, ScanKind.TEXT,
                     ScanKind.EMPTY}


@pytest.mark.soak
def test_a_gtin_with_a_wrong_check_digit_is_never_accepted() -> None:
    rng = random.Random(2020)
    warned = 0
    for _ in range(rounds(20_000)):
        text, bad = with_bad_check_digit(rng)
        assert bad not in accepted_gtins(text), text
        scan = classify(text)
        assert scan.gtin is None, (text, scan)
        if scan.problem is not None and "check digit" in scan.problem:
            warned += 1
    # Every labelled or bracketed form says why; only bare digit runs may be serials.
    assert warned > rounds(20_000) // 2
