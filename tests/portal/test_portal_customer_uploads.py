"""A customer's photo as kept: upright, and without the camera's metadata (EXIF, PNG text)."""

from __future__ import annotations

import io

from PIL import Image, PngImagePlugin

from portal.customers.uploads import check
from tests.portal.customers import photo


def _open(data: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(data))
    image.load()
    return image


def test_a_photo_taken_sideways_is_kept_upright_without_its_exif() -> None:
    image = Image.new("RGB", (64, 48), (10, 200, 10))
    exif = Image.Exif()
    exif[0x0112] = 6  # the camera was turned: show rotated 90° clockwise
    exif[0x8825] = {1: "N", 2: (51.0, 30.0, 12.5)}
    raw = io.BytesIO()
    image.save(raw, format="JPEG", exif=exif.tobytes())
    kept = _open(check("side.jpg", "photo_of_fault", raw.getvalue()).data)
    assert kept.size == (48, 64)
    assert not kept.getexif() and "exif" not in kept.info


def test_a_png_keeps_no_text_chunks_and_a_webp_no_exif() -> None:
    info = PngImagePlugin.PngInfo()
    info.add_text("Location", "51.5, -0.12 (home)")
    raw = io.BytesIO()
    Image.new("RGBA", (20, 20), (0, 0, 0, 128)).save(raw, format="PNG", pnginfo=info)
    kept = check("screen.png", "damage_photos", raw.getvalue())
    assert kept.media_type == "image/png" and b"home" not in kept.data
    assert "Location" not in _open(kept.data).info
    webp = check("w.webp", "photo_of_fault", photo("WEBP"))
    assert webp.media_type == "image/webp" and not _open(webp.data).getexif()


def test_a_pdf_is_kept_byte_for_byte_as_proof_of_purchase() -> None:
    pdf = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
    kept = check("receipt.pdf", "proof_of_purchase", pdf)
    assert (kept.media_type, kept.data) == ("application/pdf", pdf)
