"""Files customers upload: checked by content (libmagic), photos re-encoded without metadata."""

from __future__ import annotations

import hashlib
import io
import os
import warnings
from collections.abc import Sequence
from dataclasses import dataclass

import magic
from django.core.files.uploadedfile import UploadedFile
from PIL import Image, ImageOps, UnidentifiedImageError

from warranty_desk.rules.document_types import MAX_BYTES, describe, sniff
from warranty_desk.rules.evidence import accepted_types, evidence_label

# A phone claim is a few photos and a receipt; more at once is a mistake or an attack.
MAX_FILES = 6
# Photos are re-saved in the format they came in; anything else a camera gives is refused.
_FORMATS = {"image/jpeg": "JPEG", "image/png": "PNG", "image/webp": "WEBP"}
_PDF = "application/pdf"
# Kinds the till keeps but a phone claim does not take (no way to clean them here).
_OTHER_WORDS = {"image/gif": "a GIF image", "video/mp4": "a video", "video/quicktime": "a video",
                "text/plain": "plain text", "text/html": "a web page",
                "image/svg+xml": "a drawing (SVG), which can carry a web page's code",
                "application/pdf": "a PDF", "application/postscript": "a PostScript file",
                "image/tiff": "a TIFF image", "image/bmp": "a BMP image"}
# A photo bigger than this in pixels is refused before it is decoded (a decompression bomb).
MAX_PIXELS = 60_000_000
_NAME_LIMIT = 120


@dataclass(frozen=True, slots=True)
class Upload:
    """One checked file, ready to store: its bytes as kept, their sha256 and type."""

    name: str
    kind: str
    data: bytes
    media_type: str

    @property
    def sha256(self) -> str:
        """The address the branch fetches it by."""
        return hashlib.sha256(self.data).hexdigest()


class Refusal(ValueError):
    """Why one file was refused, in words for the customer (names the file, says what to do)."""


def shown_name(name: str) -> str:
    """A file's name as the pages show it: its last part, short, never empty."""
    base = name.replace("\\", "/").rsplit("/", 1)[-1].strip()
    base = "".join(ch for ch in base if ch.isprintable())
    return (base[:_NAME_LIMIT] or "The file")


def _megabytes(size: int) -> str:
    return f"{size / 1024 / 1024:.1f} MB"


def media_type_of(data: bytes) -> str:
    """What the content is, by libmagic (the name and the browser's word are never trusted)."""
    found: str = magic.from_buffer(data[:65536], mime=True)
    return found


def _from_pillow(warned: warnings.WarningMessage) -> bool:
    """Whether a warning recorded during a read came from Pillow (not from another thread)."""
    return f"{os.sep}PIL{os.sep}" in warned.filename


def _clean_photo(data: bytes, media_type: str, name: str) -> bytes:
    """The photo re-encoded from its pixels: no EXIF (GPS location), no comments, no extras."""
    try:
        # Pillow only warns of a cut-short EXIF block (and would keep a photo whose orientation
        # it could not read): here that is a damaged photo like any other. Its warnings are
        # recorded, not raised: the filter is the process's for the moment of the read, and
        # raising would turn another thread's harmless warning into that request's error.
        with warnings.catch_warnings(record=True) as warned:
            warnings.simplefilter("always")  # before the open, which reads the EXIF block
            with Image.open(io.BytesIO(data)) as image:
                width, height = image.size
                if width * height > MAX_PIXELS:
                    raise Refusal(f"{name} is {width}×{height} pixels, too large to keep. "
                                  "Send a photo from the phone's camera at its usual size.")
                image.load()
                # The camera's orientation goes into the pixels before the tag goes away.
                upright = ImageOps.exif_transpose(image)
        if any(_from_pillow(w) for w in warned):
            raise OSError("Pillow warned while reading the photo")
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError, SyntaxError):
        raise Refusal(f"{name} could not be read as a photo: it may be damaged or cut short. "
                      "Take the photo again and send that one.") from None
    if upright.mode not in ("RGB", "RGBA", "L", "LA", "P"):
        upright = upright.convert("RGB")
    if _FORMATS[media_type] == "JPEG" and upright.mode not in ("RGB", "L"):
        upright = upright.convert("RGB")
    out = io.BytesIO()
    # No exif=, no pnginfo=: Pillow writes none of the original's metadata.
    upright.save(out, format=_FORMATS[media_type], quality=90)
    return out.getvalue()


def _what(data: bytes, media_type: str) -> str:
    """What the content is, in words: libmagic's type named, never shown as its code."""
    if media_type in _OTHER_WORDS:
        return f"it is {_OTHER_WORDS[media_type]}"
    if sniff(data) is None:
        return describe(data)
    return "it is a kind of file the shop cannot take here"


def check(name: str, kind: str, data: bytes, size: int | None = None) -> Upload:
    """One file as it will be kept, or Refusal saying why not and what to do."""
    shown = shown_name(name)
    size = len(data) if size is None else size
    if size > MAX_BYTES:
        raise Refusal(f"{shown} is {_megabytes(size)}; each file may be at most "
                      f"{MAX_BYTES // 1024 // 1024} MB. Send a smaller photo or a PDF.")
    if not data:
        raise Refusal(f"{shown} is empty. Choose the file again, or take the photo again.")
    media_type = media_type_of(data)
    if media_type in ("image/heic", "image/heif"):
        raise Refusal(f"{shown} is a HEIC photo, which cannot be cleaned of its location "
                      "here. Send it as a JPEG: on an iPhone, Settings › Camera › Formats › "
                      "Most Compatible, or share it as JPEG.")
    # Only what the portal can clean is named as welcome: the till's list (HEIC, GIF, videos)
    # would invite files refused here.
    welcome = {t for t in accepted_types(kind) if t in _FORMATS or t == _PDF}
    if media_type not in welcome:
        pdf = " or a PDF" if _PDF in welcome else ""
        raise Refusal(f"{shown} is not a photo{pdf}: {_what(data, media_type)}. A "
                      f"{evidence_label(kind)} must be a photo (JPEG, PNG or WebP){pdf}; send "
                      "that instead.")
    if media_type in _FORMATS:
        data = _clean_photo(data, media_type, shown)
    return Upload(shown, kind, data, media_type)


def check_all(files: Sequence[tuple[str, UploadedFile]], already: int = 0
              ) -> tuple[list[Upload], list[str]]:
    """Every file of a form checked: the ones to keep, and each refusal (keep none if any)."""
    refusals: list[str] = []
    if already + len(files) > MAX_FILES:
        refusals.append(f"That is {already + len(files)} files; a claim takes at most "
                        f"{MAX_FILES}. Choose the clearest ones and send those.")
        return [], refusals
    kept: list[Upload] = []
    for kind, upload in files:
        size = upload.size or 0
        try:  # a file past the limit is refused unread
            kept.append(check(upload.name or "", kind,
                              upload.read() if size <= MAX_BYTES else b"", size))
        except Refusal as exc:
            refusals.append(str(exc))
    return kept, refusals
