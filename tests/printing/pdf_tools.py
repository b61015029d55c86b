"""Helpers for PDF tests: text via pypdf, pages rendered by pdftoppm, codes read by zbarimg."""

from __future__ import annotations

import re
import subprocess
from io import BytesIO
from pathlib import Path
from typing import Any, NamedTuple

from PIL import Image, ImageDraw
from pypdf import PdfReader
from reportlab.pdfbase.pdfmetrics import stringWidth

from printing.pdf.fonts import BOLD, ITALIC, REGULAR, WIDE

PREVIEWS = Path("/tmp/pdf-previews")
# The poppler and zbar tools run without a Python-side timeout: a timed wait polls with sleeps,
# which fail (EINVAL) under libfaketime in `make test`'s clock-shift run, and these local tools
# on a local file finish in milliseconds.


def page_texts(pdf: bytes) -> list[str]:
    """Each page's text, with no-break spaces as plain spaces and runs of spaces collapsed."""
    reader = PdfReader(BytesIO(pdf))
    return [re.sub(r"[ \u00a0]+", " ", page.extract_text() or "") for page in reader.pages]


def text(pdf: bytes) -> str:
    """All pages' text, joined; lines joined with spaces so wrapped phrases still match."""
    return re.sub(r"\s+", " ", " ".join(page_texts(pdf)))


def pdftotext(pdf: bytes) -> str:
    """The PDF's text as poppler reads it (another reader than pypdf), whitespace collapsed."""
    done = subprocess.run(["pdftotext", "-enc", "UTF-8", "-", "-"], input=pdf,
                          capture_output=True, check=True)
    return " ".join(done.stdout.decode("utf-8").split())


def page_sizes(pdf: bytes) -> list[tuple[float, float]]:
    """(width, height) in points of every page, rounded to 0.1 pt."""
    reader = PdfReader(BytesIO(pdf))
    return [(round(float(p.mediabox.width), 1), round(float(p.mediabox.height), 1))
            for p in reader.pages]


def render(pdf: bytes, name: str, dpi: int = 150) -> list[Path]:
    """Render every page to PNG with pdftoppm; copies go to /tmp/pdf-previews/ to look at."""
    PREVIEWS.mkdir(parents=True, exist_ok=True)
    for old in PREVIEWS.glob(f"{name}-*.png"):
        old.unlink()
    source = PREVIEWS / f"{name}.pdf"
    source.write_bytes(pdf)
    subprocess.run(["pdftoppm", "-r", str(dpi), "-png", str(source), str(PREVIEWS / name)],
                   check=True)
    return sorted(PREVIEWS.glob(f"{name}-*.png"), key=lambda p: int(p.stem.rsplit("-", 1)[1]))


def decode(png: Path) -> list[str]:
    """Every barcode and QR code zbarimg finds on an image, one value per symbol."""
    done = subprocess.run(["zbarimg", "--raw", "-q", str(png)], capture_output=True,
                          text=True)
    # zbarimg exits 4 when it finds nothing: that is an answer, not an error.
    assert done.returncode in (0, 4), done.stderr
    return [line for line in done.stdout.splitlines() if line]


def face(base_font: str) -> str:
    """The registered font name behind a PDF's /BaseFont: an embedded subset such as
    /AAAAAA+DejaVuSans-Bold is the layouts' BOLD; a built-in name is itself."""
    name = base_font.lstrip("/").split("+")[-1]
    if name.startswith("WenQuanYi"):
        return WIDE
    return {"DejaVuSans": REGULAR, "DejaVuSans-Bold": BOLD,
            "DejaVuSans-Oblique": ITALIC}.get(name, name)


class Run(NamedTuple):
    """One run of text on a page, in points from the bottom left."""

    text: str
    x: float
    y: float
    size: float
    font: str

    @property
    def right(self) -> float:
        """Where the run ends, measured with the font's own widths."""
        return self.x + stringWidth(self.text, self.font, self.size)


def text_runs(pdf: bytes, page: int = 0) -> list[Run]:
    """Every text run pypdf sees on a page, in page coordinates."""
    runs: list[Run] = []

    def visit(text: str, cm: list[float], tm: list[float], font: Any, size: float) -> None:
        if text.strip() and font is not None:
            x = tm[4] * cm[0] + tm[5] * cm[2] + cm[4]
            y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
            runs.append(Run(text.strip(), x, y, size, face(str(font["/BaseFont"]))))

    PdfReader(BytesIO(pdf)).pages[page].extract_text(visitor_text=visit)
    return runs


def border_is_white(png: Path, px: int) -> bool:
    """True when a band `px` wide around the image is blank paper: nothing ran off the edge."""
    with Image.open(png) as image:
        grey = image.convert("L")
        w, h = grey.size
        bands = [(0, 0, w, px), (0, h - px, w, h), (0, 0, px, h), (w - px, 0, w, h)]
        return all(grey.crop(band).getextrema()[0] >= 245 for band in bands)


def has_colour(png: Path, rgb: tuple[int, int, int]) -> bool:
    """True when some pixel of the image is exactly this colour."""
    with Image.open(png) as image:
        colours = image.convert("RGB").getcolors(maxcolors=1 << 20) or []
    return any(c == rgb for _, c in colours)


def logo_png(width: int = 240, height: int = 120) -> bytes:
    """A small two-colour logo made with Pillow, for the header."""
    image = Image.new("RGB", (width, height), "white")
    draw = ImageDraw.Draw(image)
    draw.ellipse((10, 10, height - 10, height - 10), fill=(29, 78, 137))
    draw.rectangle((height, 40, width - 10, 80), fill=(200, 60, 40))
    out = BytesIO()
    image.save(out, "PNG")
    return out.getvalue()
