"""Documents in the contract: its size and type limits are the till's own, both sides refuse the
same files, and a branch learns nothing of another branch's documents from their hashes."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
import requests

from portal import contract
from tests.portal.support import LivePortal, RegisteredBranch, register
from warranty_desk.errors import BadInput
from warranty_desk.rules.document_types import KEPT_MEDIA_TYPES, MAX_BYTES, sniff
from warranty_desk.storage.documents import DocumentStore

KEPT = {
    "image/jpeg": b"\xff\xd8\xff\xe0" + b"jpeg" * 10,
    "image/png": b"\x89PNG\r\n\x1a\n" + b"png" * 10,
    "image/gif": b"GIF89a" + b"gif" * 10,
    "image/webp": b"RIFF\x00\x00\x00\x00WEBPVP8 " + b"w" * 10,
    "image/heic": b"\x00\x00\x00\x18ftypheic" + bytes(12),
    "image/heif": b"\x00\x00\x00\x18ftypmif1" + bytes(12),
    "video/mp4": b"\x00\x00\x00\x18ftypisom" + bytes(12),
    "video/quicktime": b"\x00\x00\x00\x14ftypqt  " + bytes(8),
    "application/pdf": b"%PDF-1.7\n" + b"pdf " * 10,
    "text/plain": "Receipt: one kettle, £29.99".encode(),
}
REFUSED = [b"MZ\x90\x00" + bytes(range(256)), b"PK\x03\x04" + bytes(40),
           b"\x1f\x8b\x08" + bytes(40), b"\x00\x01\x02binary"]


def _upload(live: LivePortal, branch: RegisteredBranch, data: bytes) -> requests.Response:
    return requests.put(f"{live.url}/documents/{hashlib.sha256(data).hexdigest()}", data=data,
                        timeout=30, headers={"Authorization": f"Bearer {branch.token}",
                                             "Content-Type": "application/octet-stream"})


def test_the_contracts_document_limits_are_the_tills_own() -> None:
    upload = contract.document()["paths"]["/documents/{sha256}"]["put"]
    assert upload["x-max-bytes"] == MAX_BYTES == 25 * 1024 * 1024
    assert upload["x-media-types"] == list(KEPT_MEDIA_TYPES)
    assert {sniff(data) for data in KEPT.values()} == set(KEPT_MEDIA_TYPES)
    assert list(KEPT) == list(KEPT_MEDIA_TYPES)


def test_the_till_and_head_office_keep_and_refuse_the_same_files(
    live_portal: LivePortal, branch: RegisteredBranch, tmp_path: Path,
) -> None:
    store = DocumentStore(tmp_path / "documents")
    for media_type, data in KEPT.items():
        assert store.put(data).media_type == media_type
        assert _upload(live_portal, branch, data).status_code == 201, media_type
    for data in REFUSED:
        with pytest.raises(BadInput):
            store.put(data)
        answer = _upload(live_portal, branch, data)
        assert answer.status_code == 400
        assert (answer.json()["code"], answer.json()["permanent"]) == ("document_refused", True)


def test_another_branchs_document_reads_as_one_that_does_not_exist(
    live_portal: LivePortal, branch: RegisteredBranch,
) -> None:
    theirs, never = KEPT["application/pdf"], b"%PDF-1.7\nnever sent"
    assert _upload(live_portal, branch, theirs).status_code == 201
    other = register()

    def fetch(data: bytes) -> requests.Response:
        return requests.get(f"{live_portal.url}/documents/{hashlib.sha256(data).hexdigest()}",
                            headers={"Authorization": f"Bearer {other.token}"}, timeout=10)

    held, unknown = fetch(theirs), fetch(never)
    assert held.status_code == unknown.status_code == 404
    assert held.json()["code"] == unknown.json()["code"] == "no_such_document"
    assert (held.json()["reason"].replace(hashlib.sha256(theirs).hexdigest()[:12], "<sha>")
            == unknown.json()["reason"].replace(hashlib.sha256(never).hexdigest()[:12], "<sha>"))
    # What the owner holds is no business of the other branch: "missing" speaks for itself.
    asked = requests.post(f"{live_portal.url}/documents/missing", timeout=10,
                          json={"sha256": [hashlib.sha256(theirs).hexdigest()]},
                          headers={"Authorization": f"Bearer {other.token}"})
    assert asked.json() == {"missing": [hashlib.sha256(theirs).hexdigest()]}
