"""The evidence store: files named by SHA-256, type checked by content, written atomically."""

from __future__ import annotations

import hashlib
import math
import os
import re
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from warranty_desk.errors import BadInput, NotFound
from warranty_desk.rules.document_types import MAX_BYTES, describe, sniff

_MIB = 1024 * 1024
_CHUNK = 1024 * 1024
_SHA256 = re.compile(r"[0-9a-f]{64}")
# The caller's check on a file's media type: why it is refused, or None to keep it.
Refusal = Callable[[str], str | None]

@dataclass(frozen=True, slots=True)
class StoredDocument:
    """A file in the store: its hash (and name on disk), type by content, size and path."""

    sha256: str
    media_type: str
    size: int
    path: Path


def _megabytes(size: int) -> str:
    # Rounded up, so a file just over the limit never reads as exactly the limit.
    return f"{math.ceil(size * 10 / _MIB) / 10:.1f} MB"


def _too_big(name: str, size: int) -> BadInput:
    return BadInput(f"{name} is {_megabytes(size)}; the limit is {MAX_BYTES // _MIB} MB. "
                    "Send a smaller photo or a PDF.")


def _fsync_dir(folder: Path) -> None:
    # Makes the rename itself durable; Windows cannot open a folder, and NTFS journals it anyway.
    if os.name == "nt":
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


class DocumentStore:
    """Evidence files under root/ab/cd/<sha256>: no extension and never a name a user chose."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def path_for(self, sha256: str) -> Path:
        """Where a hash lives; anything but 64 lowercase hex digits is refused (no traversal)."""
        if not isinstance(sha256, str) or _SHA256.fullmatch(sha256) is None:
            raise BadInput(f"{sha256!r} is not a document reference (64 lowercase hex digits). "
                           "Pick the document from the claim instead.")
        return self.root / sha256[0:2] / sha256[2:4] / sha256

    def exists(self, sha256: str) -> bool:
        """Whether the store holds this hash."""
        return self.path_for(sha256).is_file()

    def put(self, data: bytes, *, name: str = "The file",
            refuse: Refusal | None = None) -> StoredDocument:
        """Keep these bytes once; `name` is only used to word a refusal, never as a path.

        `refuse(media type)` says why content of that type is not wanted here (None: it is),
        so a file the caller would refuse is never written.
        """
        if not data:
            raise BadInput(f"{name} is empty (0 bytes). Attach the file again.")
        if len(data) > MAX_BYTES:
            raise _too_big(name, len(data))
        media_type = sniff(data)
        if media_type is None:
            raise BadInput(f"{name} is not a photo, PDF or video the shop can keep "
                           f"({describe(data)}). Attach a JPEG, PNG, HEIC or PDF.")
        refusal = refuse(media_type) if refuse is not None else None
        if refusal:
            raise BadInput(refusal)
        sha256 = hashlib.sha256(data).hexdigest()
        final = self.path_for(sha256)
        stored = StoredDocument(sha256=sha256, media_type=media_type, size=len(data), path=final)
        # A copy that no longer matches its hash is replaced, so a re-attach heals damage.
        if final.is_file() and _file_sha256(final) == sha256:
            return stored
        final.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        fd, temp_name = tempfile.mkstemp(prefix=".incoming-", dir=final.parent)
        temp = Path(temp_name)
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(temp, final)
        except BaseException:
            temp.unlink(missing_ok=True)
            raise
        _fsync_dir(final.parent)
        return stored

    def put_file(self, path: Path, *, refuse: Refusal | None = None) -> StoredDocument:
        """Keep a file's content, refusing one over the limit before reading it whole."""
        name = path.name or str(path)
        try:
            size = path.stat().st_size
            if not path.is_file():
                raise BadInput(f"{name} is a folder, not a file. Pick the file inside it.")
            if size > MAX_BYTES:
                raise _too_big(name, size)
            with path.open("rb") as handle:
                # One byte more than the limit, in case the file grew after it was measured.
                data = handle.read(MAX_BYTES + 1)
        except FileNotFoundError:
            raise BadInput(f"{name} was not found. Pick the file again.") from None
        except PermissionError:
            raise BadInput(f"{name} cannot be read (no permission). Copy it somewhere else "
                           "and attach the copy.") from None
        return self.put(data, name=name, refuse=refuse)

    def open(self, sha256: str) -> bytes:
        """The stored bytes for a hash."""
        path = self.path_for(sha256)
        try:
            return path.read_bytes()
        except FileNotFoundError:
            raise NotFound(f"Document {sha256[:12]}… is missing from the evidence folder. "
                           "Restore the documents folder from a backup.") from None

    def verify(self, sha256: str) -> bool:
        """Whether the stored file is there and still hashes to its name."""
        path = self.path_for(sha256)
        try:
            return _file_sha256(path) == sha256
        except FileNotFoundError:
            return False
