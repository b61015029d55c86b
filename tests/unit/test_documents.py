"""The evidence store: content addressing, type by content, size limits and tamper checks."""

from __future__ import annotations

import hashlib
import struct
import zlib
from pathlib import Path
from typing import Any

import pytest

from warranty_desk.errors import BadInput, NotFound
from warranty_desk.storage import documents
from warranty_desk.storage.documents import DocumentStore
from warranty_desk.storage.home import Home


def _png(width: int = 2, height: int = 2) -> bytes:
    """A real, decodable PNG: red pixels, built chunk by chunk."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        crc = zlib.crc32(kind + body) & 0xFFFFFFFF
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", crc)

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    rows = b"".join(b"\x00" + b"\xff\x00\x00" * width for _ in range(height))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows))
            + chunk(b"IEND", b""))


PDF = (b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
       b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n")
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00" + b"\x00" * 32
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 48 + b"PE\x00\x00"


def _ftyp(brand: bytes, *compatible: bytes) -> bytes:
    body = brand + b"\x00\x00\x00\x00" + b"".join(compatible)
    return struct.pack(">I", 8 + len(body)) + b"ftyp" + body + b"\x00" * 16


@pytest.fixture
def store(home: Home) -> DocumentStore:
    return DocumentStore(home.documents)


def test_a_photo_is_stored_under_its_hash_with_no_extension(store: DocumentStore) -> None:
    data = _png()
    stored = store.put(data, name="../../etc/passwd.png")
    digest = hashlib.sha256(data).hexdigest()
    assert stored == documents.StoredDocument(
        sha256=digest, media_type="image/png", size=len(data),
        path=store.root / digest[:2] / digest[2:4] / digest,
    )
    assert stored.path.read_bytes() == data
    assert store.open(digest) == data
    assert store.exists(digest)


def test_the_same_content_twice_is_kept_as_one_file(store: DocumentStore, tmp_path: Path) -> None:
    first = store.put(PDF)
    copy = tmp_path / "scan again.pdf"
    copy.write_bytes(PDF)
    second = store.put_file(copy)
    assert first == second
    kept = [p for p in store.root.rglob("*") if p.is_file()]
    assert kept == [first.path]


def test_a_file_name_with_dot_dots_is_never_used_on_disk(
    store: DocumentStore, tmp_path: Path,
) -> None:
    folder = tmp_path / "inbox" / "nested"
    folder.mkdir(parents=True)
    sneaky = folder / ".." / "..%2f..%2fevil.jpg"
    sneaky.write_bytes(JPEG)
    stored = store.put_file(sneaky)
    assert stored.media_type == "image/jpeg"
    assert stored.path.parent.parent.parent == store.root
    assert stored.path.name == stored.sha256
    names = {p.name for p in store.root.rglob("*")}
    assert not any("evil" in n or n.endswith(".jpg") for n in names)
    assert not (tmp_path / "evil.jpg").exists()


@pytest.mark.parametrize("reference", [
    "../../../etc/passwd", "A" * 64, "0" * 63, "0" * 65, "0" * 62 + "/x", "",
    "g" * 64, "0" * 63 + "\n",
])
def test_a_reference_that_is_not_64_lowercase_hex_digits_is_refused(
    store: DocumentStore, reference: str,
) -> None:
    with pytest.raises(BadInput, match="not a document reference"):
        store.path_for(reference)
    with pytest.raises(BadInput):
        store.open(reference)
    with pytest.raises(BadInput):
        store.exists(reference)


def test_a_missing_document_is_reported_as_not_found(store: DocumentStore) -> None:
    with pytest.raises(NotFound, match="missing from the evidence folder"):
        store.open("ab" * 32)
    assert store.exists("ab" * 32) is False
    assert store.verify("ab" * 32) is False


def test_a_file_over_25_mb_is_refused_before_it_is_read(
    store: DocumentStore, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
) -> None:
    big = tmp_path / "photo.jpg"
    with big.open("wb") as handle:
        handle.write(JPEG)
        handle.truncate(int(31.2 * 1024 * 1024))
    opened: list[Path] = []
    real_open = Path.open

    def spy(self: Path, *args: Any, **kwargs: Any) -> Any:
        opened.append(self)
        return real_open(self, *args, **kwargs)

    monkeypatch.setattr(Path, "open", spy)
    with pytest.raises(BadInput) as caught:
        store.put_file(big)
    assert str(caught.value) == ("photo.jpg is 31.2 MB; the limit is 25 MB. "
                                 "Send a smaller photo or a PDF.")
    assert big not in opened
    assert not store.root.exists() or not any(store.root.iterdir())


def test_bytes_over_the_limit_are_refused_and_the_limit_itself_is_kept(
    store: DocumentStore,
) -> None:
    at_limit = b"a" * documents.MAX_BYTES
    with pytest.raises(BadInput, match=r"photo\.jpg is 25\.1 MB; the limit is 25 MB"):
        store.put(at_limit + b"a", name="photo.jpg")
    assert store.put(at_limit).size == documents.MAX_BYTES


def test_an_empty_file_is_refused(store: DocumentStore, tmp_path: Path) -> None:
    empty = tmp_path / "photo.jpg"
    empty.write_bytes(b"")
    with pytest.raises(BadInput, match=r"photo\.jpg is empty"):
        store.put_file(empty)
    with pytest.raises(BadInput, match="empty"):
        store.put(b"")


def test_a_windows_program_named_like_a_photo_is_refused(
    store: DocumentStore, tmp_path: Path,
) -> None:
    fake = tmp_path / "photo.jpg"
    fake.write_bytes(EXE)
    with pytest.raises(BadInput) as caught:
        store.put_file(fake)
    assert str(caught.value) == (
        "photo.jpg is not a photo, PDF or video the shop can keep (it looks like a Windows "
        "program). Attach a JPEG, PNG, HEIC or PDF.")
    assert not store.root.exists() or not any(store.root.rglob("*"))


@pytest.mark.parametrize("data, kind", [
    (b"PK\x03\x04\x14\x00\x00\x00" + b"\x00" * 30, "a ZIP archive"),
    (b"\x7fELF\x02\x01\x01" + b"\x00" * 40, "a Linux program"),
    (b"\x00\x01\x02\x03\xfe\xfd", "of an unknown type"),
    (b"caf\xe9 au lait", "of an unknown type"),
])
def test_other_kinds_are_refused_with_what_they_look_like(
    store: DocumentStore, data: bytes, kind: str,
) -> None:
    with pytest.raises(BadInput, match=kind):
        store.put(data, name="invoice.pdf")


@pytest.mark.parametrize("data, media_type", [
    (JPEG, "image/jpeg"),
    (_png(), "image/png"),
    (b"GIF89a\x01\x00\x01\x00\x00\x00\x00;", "image/gif"),
    (b"RIFF\x24\x00\x00\x00WEBPVP8 " + b"\x00" * 20, "image/webp"),
    (_ftyp(b"heic", b"mif1", b"heic"), "image/heic"),
    (_ftyp(b"heix"), "image/heic"),
    (_ftyp(b"mif1", b"heic"), "image/heif"),
    (PDF, "application/pdf"),
    (_ftyp(b"isom", b"isom", b"avc1"), "video/mp4"),
    (_ftyp(b"mp42"), "video/mp4"),
    (_ftyp(b"qt  "), "video/quicktime"),
    (_ftyp(b"XAVC", b"mp42"), "video/mp4"),
    (b"Fan noise at start-up; board reflowed.\n", "text/plain"),
    ("Écran fissuré — client présent.".encode(), "text/plain"),
])
def test_sniff_names_every_kind_the_shop_keeps_by_content(data: bytes, media_type: str) -> None:
    assert documents.sniff(data) == media_type


@pytest.mark.parametrize("data", [EXE, b"", b"text with a \x00 nul", _ftyp(b"M4A "),
                                  b"RIFF\x24\x00\x00\x00WAVEfmt "])
def test_sniff_returns_none_for_kinds_the_shop_does_not_keep(data: bytes) -> None:
    assert documents.sniff(data) is None


def test_verify_notices_a_file_changed_on_disk(store: DocumentStore) -> None:
    stored = store.put(_png())
    assert store.verify(stored.sha256) is True
    with stored.path.open("r+b") as handle:
        handle.seek(20)
        handle.write(b"\xff")
    assert store.verify(stored.sha256) is False


def test_attaching_the_same_content_again_repairs_a_damaged_copy(store: DocumentStore) -> None:
    data = _png()
    stored = store.put(data)
    stored.path.write_bytes(b"damaged")
    assert store.put(data) == stored
    assert store.verify(stored.sha256) is True
    assert [p.name for p in stored.path.parent.iterdir()] == [stored.sha256]


def test_a_folder_or_missing_file_is_refused_in_plain_words(
    store: DocumentStore, tmp_path: Path,
) -> None:
    with pytest.raises(BadInput, match="is a folder"):
        store.put_file(tmp_path)
    with pytest.raises(BadInput, match=r"gone\.jpg was not found"):
        store.put_file(tmp_path / "gone.jpg")
