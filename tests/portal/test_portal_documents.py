"""Documents by sha256: the till uploads only what the portal lacks; each branch sees its own."""

from __future__ import annotations

import hashlib

import pytest
import requests

from portal.receiver.models import Document
from sync.inbox import PortalInbox
from sync.portal import upload_documents
from tests.portal.support import LivePortal, RegisteredBranch, register
from tests.portal.till import client
from warranty_desk.rules.document_types import MAX_BYTES
from warranty_desk.services.inbox import DocumentUnavailable

PHOTO = b"\x89PNG\r\n\x1a\n" + b"a cracked hinge, seen from the left" * 20
PDF = b"%PDF-1.7\n" + b"proof of purchase " * 40


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _put(live: LivePortal, branch: RegisteredBranch, sha: str, data: bytes) -> requests.Response:
    return requests.put(f"{live.url}/documents/{sha}", data=data, timeout=30, headers={
        "Authorization": f"Bearer {branch.token}", "Content-Type": "application/octet-stream"})


def test_the_till_uploads_what_the_portal_lacks_then_nothing_more(
    live_portal: LivePortal, branch: RegisteredBranch,
) -> None:
    store = {_sha(PHOTO): PHOTO, _sha(PDF): PDF}
    first = upload_documents(client(live_portal, branch.token), list(store), store.__getitem__)
    assert set(first.uploaded) == set(store) and first.already_held == ()
    again = upload_documents(client(live_portal, branch.token), list(store), store.__getitem__)
    assert again.uploaded == () and set(again.already_held) == set(store)
    kept = {d.sha256: (d.size, d.media_type) for d in Document.objects.filter(
        branch_id=branch.pk)}
    assert kept == {_sha(PHOTO): (len(PHOTO), "image/png"),
                    _sha(PDF): (len(PDF), "application/pdf")}
    # Back the same way a customer's upload reaches the till: the bytes, byte for byte.
    assert PortalInbox(client(live_portal, branch.token), branch.code).document(
        _sha(PHOTO)) == PHOTO


def test_a_document_is_scoped_to_the_branch_that_sent_it(
    live_portal: LivePortal, branch: RegisteredBranch,
) -> None:
    _put(live_portal, branch, _sha(PHOTO), PHOTO)
    other = register()
    with pytest.raises(DocumentUnavailable, match="404"):
        PortalInbox(client(live_portal, other.token), other.code).document(_sha(PHOTO))
    missing = requests.post(f"{live_portal.url}/documents/missing", timeout=10,
                            json={"sha256": [_sha(PHOTO)]},
                            headers={"Authorization": f"Bearer {other.token}"})
    assert missing.json() == {"missing": [_sha(PHOTO)]}  # it must send its own copy
    assert _put(live_portal, other, _sha(PHOTO), PHOTO).status_code == 201
    assert _put(live_portal, other, _sha(PHOTO), PHOTO).status_code == 200


def test_bytes_that_do_not_match_their_address_are_refused(
    live_portal: LivePortal, branch: RegisteredBranch,
) -> None:
    answer = _put(live_portal, branch, _sha(PHOTO), PHOTO[:-1])
    assert answer.status_code == 400
    assert answer.json()["reason"].startswith(f"The document's content has sha256 "
                                              f"{_sha(PHOTO[:-1])}, not {_sha(PHOTO)}")
    assert not Document.objects.filter(branch_id=branch.pk).exists()


def test_a_program_or_archive_is_refused_by_its_content(
    live_portal: LivePortal, branch: RegisteredBranch,
) -> None:
    program = b"MZ\x90\x00" + bytes(range(256)) * 4
    answer = _put(live_portal, branch, _sha(program), program)
    assert answer.status_code == 400
    assert "it looks like a Windows program" in answer.json()["reason"]


def test_a_document_over_the_limit_is_refused_413_before_it_is_read(
    live_portal: LivePortal, branch: RegisteredBranch,
) -> None:
    big = b"\xff\xd8\xff" + bytes(MAX_BYTES)
    answer = _put(live_portal, branch, _sha(big), big)
    assert answer.status_code == 413
    assert answer.headers["Content-Type"] == "application/problem+json"
    assert "the limit is 25 MB" in answer.json()["reason"]
