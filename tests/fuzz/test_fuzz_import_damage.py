"""Import files with every kind of damage: each one imports whole or is refused whole, with
every bad row named in plain words; never a crash, never half a file."""

from __future__ import annotations

import codecs
import random
import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.soak import rounds
from tests.unit.imports.import_helpers import DATA, counts, run
from warranty_desk.errors import BadInput
from warranty_desk.services.imports import ImportRejected
from warranty_desk.storage.database import Database

GOOD = ("native_good.csv", "native_good.json", "shopify_good.csv", "square_good.csv")
Damage = Callable[[bytes, random.Random], bytes]


def _without_bom(data: bytes) -> bytes:
    return data.removeprefix(codecs.BOM_UTF8)


def truncated(data: bytes, rng: random.Random) -> bytes:
    return data[:rng.randint(0, max(0, len(data) - 1))]


def latin1(data: bytes, rng: random.Random) -> bytes:
    head, _, rest = _without_bom(data).partition(b"\n")
    at = rng.randint(0, len(rest))
    return head + b"\n" + rest[:at] + "é".encode("latin-1") + rest[at:]


def utf16(data: bytes, rng: random.Random) -> bytes:
    return _without_bom(data).decode("utf-8", errors="replace").encode("utf-16")


def bom(data: bytes, rng: random.Random) -> bytes:
    return codecs.BOM_UTF8 + _without_bom(data)


def double_bom(data: bytes, rng: random.Random) -> bytes:
    return codecs.BOM_UTF8 * 2 + _without_bom(data)


def nul_bytes(data: bytes, rng: random.Random) -> bytes:
    lines = data.split(b"\n")
    for _ in range(rng.randint(1, 3)):
        # Under the header when there is a row to damage (a file cut short may have none).
        at = rng.randrange(1, len(lines)) if len(lines) > 1 else 0
        line = lines[at]
        cut = rng.randint(0, len(line))
        lines[at] = line[:cut] + b"\x00" + line[cut:]
    return b"\n".join(lines)


def huge_line(data: bytes, rng: random.Random) -> bytes:
    lines = data.split(b"\n")
    at = rng.randrange(1, max(2, len(lines) - 1))
    lines.insert(at, b"x" * rng.choice((200_000, 2_000_000)))
    return b"\n".join(lines)


def tabs(data: bytes, rng: random.Random) -> bytes:
    return data.replace(b",", b"\t")


def pipes(data: bytes, rng: random.Random) -> bytes:
    return data.replace(b",", b"|")


def semicolons_in_half(data: bytes, rng: random.Random) -> bytes:
    lines = data.split(b"\n")
    return b"\n".join(line.replace(b",", b";") if i % 2 else line for i, line in enumerate(lines))


def duplicate_header(data: bytes, rng: random.Random) -> bytes:
    head, _, rest = data.partition(b"\n")
    cells = head.rstrip(b"\r").split(b",")
    cells.append(rng.choice(cells).upper().removeprefix(codecs.BOM_UTF8))
    return b",".join(cells) + b"\r\n" + rest


def byte_flips(data: bytes, rng: random.Random) -> bytes:
    damaged = bytearray(data)
    for _ in range(rng.randint(1, 8) if damaged else 0):
        damaged[rng.randrange(len(damaged))] = rng.randrange(256)
    return bytes(damaged)


def crlf_and_lone_cr(data: bytes, rng: random.Random) -> bytes:
    return data.replace(b"\n", rng.choice((b"\r\n", b"\r")))


DAMAGES: dict[str, Damage] = {f.__name__: f for f in (
    truncated, latin1, utf16, bom, double_bom, nul_bytes, huge_line, tabs, pipes,
    semicolons_in_half, duplicate_header, byte_flips, crlf_and_lone_cr)}


# What each damage must give, whatever the file: None means either way, as long as the whole
# file or none of it is imported (a cut at a line's end leaves a good shorter file).
EXPECTED: dict[str, tuple[str, str] | None] = {
    "truncated": None,
    "latin1": ("refused", "not UTF-8 text"),
    "utf16": ("refused", "UTF-16"),
    "bom": ("imported", ""),
    "double_bom": ("imported", ""),
    "nul_bytes": ("refused", ""),
    "huge_line": ("refused", ""),
    "tabs": ("refused", ""),
    "pipes": ("refused", ""),
    "semicolons_in_half": ("refused", ""),
    "duplicate_header": ("refused", ""),
    "byte_flips": None,
    "crlf_and_lone_cr": ("imported", ""),
}
CSV_WORDS = {"huge_line": "far longer than any sales file", "tabs": "Its first row has",
             "pipes": "Its first row has", "duplicate_header": "more than once",
             "nul_bytes": "control character (byte 0x00)"}
# Text columns a damaged file could reach; none may ever hold a control character.
TEXT_COLUMNS = {"customers": ("name", "phone", "email"), "sales": ("invoice_number",),
                "warranties": ("serial",)}


def _attempt(db: Database, path: Path) -> tuple[str, list[str]]:
    """Import the file: ('imported', []) or ('refused', what was said); anything else fails."""
    before = counts(db)
    try:
        report = run(db, path)
    except ImportRejected as refused:
        assert counts(db) == before, f"{path.name}: part of a refused file was written"
        assert refused.problems, path.name
        return "refused", [p.message for p in refused.problems]
    except BadInput as refused:
        assert counts(db) == before, f"{path.name}: part of a refused file was written"
        return "refused", [str(refused)]
    assert report.already_imported or counts(db)["import_batches"] == before["import_batches"] + 1
    return "imported", []


def _no_control_characters_kept(db: Database) -> None:
    conn = sqlite3.connect(db.path)
    try:
        for table, columns in TEXT_COLUMNS.items():
            for column in columns:
                for (value,) in conn.execute(f"SELECT {column} FROM {table}"):
                    assert value is None or not any(ord(c) < 32 for c in value), (table, value)
    finally:
        conn.close()


@pytest.mark.parametrize("damage", sorted(DAMAGES))
@pytest.mark.parametrize("name", GOOD)
def test_a_damaged_file_is_imported_whole_or_refused_whole_in_plain_words(
    shop: Database, tmp_path: Path, name: str, damage: str,
) -> None:
    rng = random.Random(f"{name}/{damage}")
    path = tmp_path / f"{damage}-{name}"
    path.write_bytes(DAMAGES[damage]((DATA / name).read_bytes(), rng))
    outcome, said = _attempt(shop, path)
    expected = EXPECTED[damage]
    if expected is not None:
        assert outcome == expected[0], (said, path.read_bytes()[:300])
        assert all(expected[1] in message for message in said[:1]), said
        if name.endswith(".csv") and damage in CSV_WORDS:
            assert any(CSV_WORDS[damage] in message for message in said), said
    # Plain words: nothing the person cannot read, no internal limits or exception names.
    for message in said:
        assert "\x00" not in message and "\ufffd" not in message and "Error" not in message
    _no_control_characters_kept(shop)


def test_every_damaged_line_is_named_and_nothing_else_is_read(
    shop: Database, tmp_path: Path,
) -> None:
    lines = (DATA / "native_good.csv").read_bytes().split(b"\n")
    for at in (2, 4, 5):
        lines[at - 1] = lines[at - 1].replace(b",", b",\x00", 1)
    path = tmp_path / "nul.csv"
    path.write_bytes(b"\n".join(lines))
    outcome, said = _attempt(shop, path)
    assert outcome == "refused"
    assert [m.split(" holds")[0] for m in said] == ["Line 2", "Line 4", "Line 5"]


def test_a_csv_saved_as_utf16_without_its_mark_is_named_once_not_line_by_line(
    shop: Database, tmp_path: Path,
) -> None:
    # ASCII only, so every other byte is a NUL and the whole file is valid UTF-8.
    text = (DATA / "native_good.csv").read_bytes().decode("utf-8-sig").encode(
        "ascii", errors="replace").decode("ascii")
    path = tmp_path / "utf16le.csv"
    path.write_bytes(text.encode("utf-16-le"))
    outcome, said = _attempt(shop, path)
    assert outcome == "refused" and len(said) == 1 and "UTF-16" in said[0], said


@pytest.mark.soak
def test_files_damaged_many_ways_at_once_never_import_half(
    shop: Database, tmp_path: Path,
) -> None:
    rng = random.Random(20)
    tally = {"imported": 0, "refused": 0}
    names = sorted(DAMAGES)
    for attempt in range(rounds(60)):
        name = rng.choice(GOOD)
        data = (DATA / name).read_bytes()
        for damage in rng.sample(names, rng.randint(1, 3)):
            data = DAMAGES[damage](data, rng)
            if not data:
                data = b"\x00"
        path = tmp_path / f"{attempt}-{name}"
        path.write_bytes(data)
        outcome, _ = _attempt(shop, path)
        tally[outcome] += 1
    _no_control_characters_kept(shop)
    print(f"damaged files: {tally}")
    assert tally["refused"] > tally["imported"]
