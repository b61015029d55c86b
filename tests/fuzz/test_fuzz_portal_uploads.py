"""Customer uploads at the portal with hostile names, lying content types, oversized and
damaged files: each refused with a plain message or kept cleaned under its hash, and nothing
ever written outside the media folder."""

from __future__ import annotations

import io
import random
import re
import secrets
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from PIL import Image

from portal.customers.models import OnlineClaim, OnlineDocument
from portal.inbox.models import InboxItem
from portal.receiver.documents import read
from tests.portal.customers import PDF, Shops, photo, signed_in
from tests.soak import rounds
from warranty_desk.rules.document_types import MAX_BYTES

pytestmark = pytest.mark.usefixtures("fresh_limits")
BOUNDARY = "----fuzz-boundary-20"
STORED = re.compile(r"documents/[0-9a-f]{2}/[0-9a-f]{2}/[0-9a-f]{64}")
HTML = b"<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>"
SVG = b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script>' \
      b"</svg>"
ELF = b"\x7fELF\x02\x01\x01" + b"\0" * 120
ZIP = b"PK\x03\x04\x14\x00\x00\x00\x08\x00" + b"\0" * 60


@pytest.fixture
def ann(records: Shops) -> Client:
    return signed_in(records.ann_email)


def _clear() -> None:
    OnlineDocument.objects.all().delete()
    OnlineClaim.objects.all().delete()
    InboxItem.objects.all().delete()


def _form(fields: dict[str, str], files: list[tuple[str, str, str, bytes]]) -> bytes:
    """multipart/form-data built by hand: the test client would tidy the file names first."""
    out = io.BytesIO()
    for name, value in fields.items():
        out.write(f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'
                  f"{value}\r\n".encode())
    for field, file_name, media_type, data in files:
        out.write(f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="{field}"; '
                  f'filename="{file_name}"\r\nContent-Type: {media_type}\r\n\r\n'.encode())
        out.write(data + b"\r\n")
    out.write(f"--{BOUNDARY}--\r\n".encode())
    return out.getvalue()


def _send(client: Client, records: Shops, files: list[tuple[str, str, str, bytes]]) -> tuple[
        int, str]:
    answer = client.post(
        reverse("customers:start_claim", args=[records.north.code, f"{records.north.code}-W1"]),
        data=_form({"fault": "Does not switch on", "other": "It clicks"}, files),
        content_type=f"multipart/form-data; boundary={BOUNDARY}")
    return answer.status_code, answer.content.decode()


def _media_is_all_hashes() -> None:
    root = Path(settings.MEDIA_ROOT)
    for path in root.rglob("*"):
        if path.is_file():
            assert STORED.fullmatch(path.relative_to(root).as_posix()), path


def _nowhere(token: str) -> None:
    """No file carrying `token` in its name beside or above the media folder."""
    root = Path(settings.MEDIA_ROOT).resolve()
    places = {Path.cwd(), Path("/tmp"), Path("/etc/cron.d"), *root.parents, *(
        p for p in root.rglob("*") if p.is_dir())}
    for place in places:
        if place.is_dir():
            assert not [p for p in place.iterdir() if token in p.name], place


@pytest.mark.parametrize("pattern", [
    "../../../../{t}.jpg", "..\\..\\..\\{t}.jpg", "/tmp/{t}.jpg", "....//....//{t}.jpg",
    "..%2f..%2f{t}.jpg", "&#46;&#46;&#47;&#46;&#46;&#47;{t}.jpg", "documents/00/00/{t}.jpg",
    "C:\\Windows\\{t}.jpg", "\u202egpj.{t}", "..",
])
def test_a_file_name_that_climbs_out_is_never_a_path(
    records: Shops, ann: Client, pattern: str,
) -> None:
    _clear()
    token = f"escaped-{secrets.token_hex(4)}"
    name = pattern.format(t=token)
    status, page = _send(ann, records, [("photo_of_fault", name, "image/jpeg", photo())])
    assert status in (302, 400), page[-2000:]
    for document in OnlineDocument.objects.all():
        # The name is only ever shown, its last part and printable; the bytes live by hash.
        assert "/" not in document.name and "\\" not in document.name
        assert document.name not in ("", ".", "..") and document.name.isprintable()
        assert read(document.branch, document.sha256) is not None
    _media_is_all_hashes()
    _nowhere(token)


# (name, declared type, content, words the refusal must hold)
LIARS = [
    ("photo.jpg", "image/jpeg", HTML, "photo.jpg is not a photo: it is a web page"),
    ("photo.png", "image/png", SVG, "photo.png is not a photo: it is a drawing (SVG)"),
    ("photo.jpg", "image/jpeg", ELF, "photo.jpg is not a photo"),
    ("photo.jpg", "image/jpeg", ZIP, "photo.jpg is not a photo"),
    ("photo.jpg", "image/jpeg", PDF, "photo.jpg is not a photo: it is a PDF"),
    ("photo.jpg", "image/jpeg", b"%!PS-Adobe-3.0\n" + b"x" * 64, "photo.jpg is not a photo"),
    ("photo.jpg", "image/jpeg", b"\xff\xd8\xff\xe0" + HTML, "could not be read as a photo"),
    ("photo.jpg", "image/jpeg", b"", "photo.jpg is empty"),
]


@pytest.mark.parametrize(("name", "declared", "data", "said"), LIARS,
                         ids=[f"{i}-{row[0]}" for i, row in enumerate(LIARS)])
def test_a_file_is_judged_by_its_content_and_a_liar_is_refused_in_plain_words(
    records: Shops, ann: Client, name: str, declared: str, data: bytes, said: str,
) -> None:
    _clear()
    before = sorted(Path(settings.MEDIA_ROOT).rglob("*"))
    status, page = _send(ann, records, [("photo_of_fault", name, declared, data)])
    assert status == 400 and said in page, page[-3000:]
    # Named as the portal keeps them: no media-type codes, no kinds it refuses anyway.
    assert "/" not in re.findall(r"<li>([^<]*)</li>", page)[0] and "HEIC, WebP or GIF" not in page
    assert not InboxItem.objects.exists() and not OnlineDocument.objects.exists()
    assert sorted(Path(settings.MEDIA_ROOT).rglob("*")) == before


def test_a_png_named_jpg_is_kept_as_the_png_it_is_and_a_tail_after_the_picture_is_gone(
    records: Shops, ann: Client,
) -> None:
    _clear()
    polyglot = photo("PNG") + HTML
    status, page = _send(ann, records, [("photo_of_fault", "holiday.jpg", "image/jpeg",
                                         polyglot)])
    assert status == 302, page[-3000:]
    document = OnlineDocument.objects.get()
    assert document.media_type == "image/png"
    kept = read(document.branch, document.sha256)
    assert kept is not None and b"<script" not in kept
    _media_is_all_hashes()


def test_a_file_over_the_limit_is_refused_unread_and_nothing_is_kept(
    records: Shops, ann: Client,
) -> None:
    _clear()
    before = sorted(Path(settings.MEDIA_ROOT).rglob("*"))
    huge = photo() + b"\0" * (MAX_BYTES + 1)
    status, page = _send(ann, records, [("photo_of_fault", "huge.jpg", "image/jpeg", huge)])
    assert status == 400 and "huge.jpg is 25.0 MB; each file may be at most 25 MB" in page, \
        page[-3000:]
    assert not OnlineDocument.objects.exists()
    assert sorted(Path(settings.MEDIA_ROOT).rglob("*")) == before


def test_a_photo_whose_exif_block_is_damaged_is_refused_as_damaged(
    records: Shops, ann: Client,
) -> None:
    _clear()
    damaged = bytearray(photo())
    # The TIFF header's offset of the first EXIF directory, pointed far past the block's end.
    damaged[damaged.index(b"Exif\x00\x00") + 10] = 0xFF
    status, page = _send(ann, records, [("photo_of_fault", "IMG_9.jpg", "image/jpeg",
                                         bytes(damaged))])
    assert status == 400 and "IMG_9.jpg could not be read as a photo" in page, page[-2000:]
    assert not OnlineDocument.objects.exists()


def _damaged(rng: random.Random) -> tuple[str, str, bytes]:
    good = photo(rng.choice(("JPEG", "PNG", "WEBP")), size=(32, 24))
    how = rng.randrange(4)
    if how == 0:
        data = bytes(rng.randrange(256) for _ in range(rng.randint(1, 400)))
    elif how == 1:
        data = good[:rng.randint(1, len(good) - 1)]
    elif how == 2:
        flipped = bytearray(good)
        for _ in range(rng.randint(1, 12)):
            flipped[rng.randrange(len(flipped))] = rng.randrange(256)
        data = bytes(flipped)
    else:
        data = rng.choice((HTML, SVG, ELF, ZIP, PDF)) + good
    name = rng.choice(("IMG_1.jpg", "a.png", "b.webp", "scan.pdf", "x", "..", "noext."))
    return name, rng.choice(("image/jpeg", "image/png", "application/octet-stream", "")), data


@pytest.mark.soak
def test_damaged_and_random_files_are_refused_or_kept_clean_never_a_server_error(
    records: Shops, ann: Client,
) -> None:
    rng = random.Random(20)
    tally = {302: 0, 400: 0}
    for _ in range(rounds(40)):
        _clear()
        name, declared, data = _damaged(rng)
        status, page = _send(ann, records, [("photo_of_fault", name, declared, data)])
        assert status in tally, (status, name, page[-2000:])
        tally[status] += 1
        if status == 400:
            assert "<li" in page and not OnlineDocument.objects.exists(), page[-2000:]
        for document in OnlineDocument.objects.all():
            kept = read(document.branch, document.sha256)
            assert kept is not None
            if document.media_type.startswith("image/"):
                with Image.open(io.BytesIO(kept)) as image:
                    image.verify()
    _media_is_all_hashes()
    print(f"uploads: {tally[400]} refused, {tally[302]} kept")
    assert tally[400] > 0
