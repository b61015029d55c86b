"""Which documents a shop keeps: the type a file's content shows, and the size limit."""

from __future__ import annotations

# Evidence is a photo, a short video or a PDF; a bigger file is refused at the till and at
# head office alike.
MAX_BYTES = 25 * 1024 * 1024

# Every media type `sniff` answers: the kinds kept, at the till and at head office (the sync
# contract's uploadDocument x-media-types names the same).
KEPT_MEDIA_TYPES = ("image/jpeg", "image/png", "image/gif", "image/webp", "image/heic",
                    "image/heif", "video/mp4", "video/quicktime", "application/pdf",
                    "text/plain")

# ISO base media files (HEIC, MP4, MOV) name their flavour in the 'ftyp' box's brands.
_FTYP_BRANDS: dict[bytes, str] = {
    b"heic": "image/heic",
    b"heix": "image/heic",
    b"heim": "image/heic",
    b"heis": "image/heic",
    b"mif1": "image/heif",
    b"msf1": "image/heif",
    b"isom": "video/mp4",
    b"iso2": "video/mp4",
    b"mp41": "video/mp4",
    b"mp42": "video/mp4",
    b"avc1": "video/mp4",
    b"qt  ": "video/quicktime",
}

# Only to tell the person what they attached; none of these is ever accepted.
_REFUSED_KINDS: tuple[tuple[bytes, str], ...] = (
    (b"MZ", "a Windows program"),
    (b"\x7fELF", "a Linux program"),
    (b"\xcf\xfa\xed\xfe", "a Mac program"),
    (b"\xce\xfa\xed\xfe", "a Mac program"),
    (b"\xca\xfe\xba\xbe", "a Mac program"),
    (b"PK\x03\x04", "a ZIP archive"),
    (b"PK\x05\x06", "a ZIP archive"),
    (b"Rar!\x1a\x07", "a RAR archive"),
    (b"7z\xbc\xaf\x27\x1c", "a 7-Zip archive"),
    (b"\x1f\x8b", "a compressed archive"),
)


def _ftyp(data: bytes) -> str | None:
    if len(data) < 12 or data[4:8] != b"ftyp":
        return None
    major = _FTYP_BRANDS.get(data[8:12])
    if major is not None:
        return major
    # Some cameras put a vendor brand first and the standard one among the compatible brands.
    box_size = min(int.from_bytes(data[0:4], "big"), len(data), 256)
    for start in range(16, box_size - 3, 4):
        found = _FTYP_BRANDS.get(data[start:start + 4])
        if found is not None:
            return found
    return None


def _is_text(data: bytes) -> bool:
    if b"\x00" in data:
        return False
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def sniff(data: bytes) -> str | None:
    """The media type the content itself shows, or None when the shop does not keep that kind."""
    if data.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if data.startswith((b"GIF87a", b"GIF89a")):
        return "image/gif"
    if len(data) >= 12 and data.startswith(b"RIFF") and data[8:12] == b"WEBP":
        return "image/webp"
    if data.startswith(b"%PDF-"):
        return "application/pdf"
    kind = _ftyp(data)
    if kind is not None:
        return kind
    if data and _is_text(data):
        return "text/plain"
    return None


def describe(data: bytes) -> str:
    """What a refused document looks like, in words for the person who sent it."""
    for magic, kind in _REFUSED_KINDS:
        if data.startswith(magic):
            return f"it looks like {kind}"
    return "it is of an unknown type"
