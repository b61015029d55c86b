"""The demo's evidence and logo: small real PNG and PDF files, and where they are kept."""

from __future__ import annotations

import struct
import zlib
from collections.abc import Sequence
from pathlib import Path

from warranty_desk.storage.database import Database
from warranty_desk.storage.documents import DocumentStore
from warranty_desk.storage.home import Home


def documents_store(db: Database, documents_root: Path | None) -> DocumentStore:
    """The evidence store: the given folder, or the documents folder of the database's home."""
    return DocumentStore(documents_root or Home(db.path.parent).documents)


def png_bytes(width: int, height: int, colour: tuple[int, int, int], *, seed: int) -> bytes:
    """A small real RGB PNG: a shaded field with a dark diagonal, like a photo of a crack."""
    rows = bytearray()
    for y in range(height):
        rows.append(0)
        crack = (y * width // height + seed * 7) % width
        for x in range(width):
            if abs(x - crack) < 2:
                rows += bytes((25, 25, 25))
            else:
                shade = (x * 3 + y * 2 + seed) % 48
                rows += bytes(min(255, c + shade) for c in colour)
    return _png(width, height, bytes(rows))


def logo_png(size: int = 160) -> bytes:
    """The demo shop's logo: a blue disc with a white tick, drawn pixel by pixel."""
    centre, radius, width = size / 2, size / 2 - 2, size / 11
    # The tick: two strokes, from the left arm down to the foot and up to the right tip.
    strokes = (((0.28, 0.52), (0.44, 0.68)), ((0.44, 0.68), (0.74, 0.34)))

    def near_stroke(x: float, y: float) -> bool:
        for (ax, ay), (bx, by) in strokes:
            ax, ay, bx, by = ax * size, ay * size, bx * size, by * size
            dx, dy = bx - ax, by - ay
            t = max(0.0, min(1.0, ((x - ax) * dx + (y - ay) * dy) / (dx * dx + dy * dy)))
            if (x - ax - t * dx) ** 2 + (y - ay - t * dy) ** 2 <= (width / 2) ** 2:
                return True
        return False

    rows = bytearray()
    for y in range(size):
        rows.append(0)
        for x in range(size):
            inside = (x - centre) ** 2 + (y - centre) ** 2 <= radius ** 2
            if inside and near_stroke(x, y):
                rows += bytes((255, 255, 255))
            elif inside:
                rows += bytes((30, 80, 150))
            else:
                rows += bytes((255, 255, 255))
    return _png(size, size, bytes(rows))


def _png(width: int, height: int, rows: bytes) -> bytes:
    def chunk(tag: bytes, data: bytes) -> bytes:
        return (struct.pack(">I", len(data)) + tag + data
                + struct.pack(">I", zlib.crc32(tag + data) & 0xFFFFFFFF))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header)
            + chunk(b"IDAT", zlib.compress(rows, 9)) + chunk(b"IEND", b""))


def _pdf_text(value: str) -> str:
    return value.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")


def pdf_bytes(title: str, lines: Sequence[str]) -> bytes:
    """A small real one-page PDF (a receipt or a technician's report) with a correct xref."""
    ops = ["BT", "/F1 16 Tf", "50 790 Td", f"({_pdf_text(title)}) Tj", "/F1 11 Tf"]
    for line in lines:
        ops += ["0 -18 Td", f"({_pdf_text(line)}) Tj"]
    ops.append("ET")
    stream = "\n".join(ops).encode("latin-1", "replace")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
        b"/Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        b"<< /Length " + str(len(stream)).encode() + b" >>\nstream\n" + stream
        + b"\nendstream",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for n, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{n} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    for offset in offsets:
        out += f"{offset:010d} 00000 n \n".encode()
    out += (f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n"
            .encode())
    return bytes(out)

