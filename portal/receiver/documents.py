"""Documents by sha256: which a branch lacks, storing one (checked), and reading one back."""

from __future__ import annotations

import hashlib

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction

from portal.branches.models import Branch
from portal.problems import Problem
from portal.receiver.models import Document, storage_name

__all__ = ["MAX_BYTES", "missing", "read", "store", "too_big"]
from warranty_desk.rules.document_types import MAX_BYTES, describe, sniff


def missing(branch: Branch, hashes: list[str]) -> list[str]:
    """The asked-for documents this branch has not uploaded, in the order asked, once each."""
    wanted = list(dict.fromkeys(hashes))
    held = set(Document.objects.filter(branch=branch, sha256__in=wanted)
               .values_list("sha256", flat=True))
    return [h for h in wanted if h not in held]


def too_big(size: int) -> Problem:
    """413 with the limit in words."""
    return Problem(413, f"The document is {size / 1024 / 1024:.1f} MB; the limit is "
                        f"{MAX_BYTES // 1024 // 1024} MB. Send a smaller photo or a PDF.")


def store(branch: Branch, sha256: str, data: bytes) -> bool:
    """Keep a document for this branch; True when it is new to the branch (201), else 200."""
    if len(data) > MAX_BYTES:
        raise too_big(len(data))
    actual = hashlib.sha256(data).hexdigest()
    if actual != sha256:
        raise Problem(400, f"The document's content has sha256 {actual}, not {sha256} as its "
                           "address says; it was damaged on the way. Send it again.")
    media_type = sniff(data)
    if media_type is None:
        raise Problem(400, f"Document {sha256[:12]}… was refused: {describe(data)}. Head "
                           "office keeps photos, videos, PDFs and plain text only.")
    name = storage_name(sha256)
    # Content-addressed: bytes already there under this name are these bytes.
    if not default_storage.exists(name):
        saved = default_storage.save(name, ContentFile(data))
        if saved != name:  # another request stored the same bytes at the same moment
            default_storage.delete(saved)
    try:
        with transaction.atomic():
            _, created = Document.objects.get_or_create(
                branch=branch, sha256=sha256,
                defaults={"size": len(data), "media_type": media_type})
    except IntegrityError:  # the same upload twice at once: the other one made the row
        created = False
    return created


def read(branch: Branch, sha256: str) -> bytes | None:
    """A document this branch holds, or None (another branch's documents are not its own)."""
    if not Document.objects.filter(branch=branch, sha256=sha256).exists():
        return None
    with default_storage.open(storage_name(sha256), "rb") as handle:
        data: bytes = handle.read()
    return data
