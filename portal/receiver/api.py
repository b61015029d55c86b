"""The sync API's receiving side: events, nightly reports and documents, by the contract."""

from __future__ import annotations

import json

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from ninja import Router, Schema

from portal import contract
from portal.branches.auth import branch_of, own_branch
from portal.problems import Problem
from portal.receiver import documents, events, nightly
from portal.receiver.marks import Marks, marks_of

router = Router()


class EventResultOut(Schema):
    """One event's answer."""

    id: str
    status: str
    code: str | None = None
    permanent: bool | None = None
    field: str | None = None
    reason: str | None = None


class BatchResultOut(Schema):
    """The answer to a push, one result per event in the order sent."""

    results: list[EventResultOut]


class NumberMarkOut(Schema):
    """The last number of one kind and year a push reported."""

    kind: str
    year: int
    last: int


class BranchMarksOut(Schema):
    """The branch's high-water marks."""

    branch: str
    epoch: str | None = None
    seq: int
    numbers: list[NumberMarkOut]


class MissingOut(Schema):
    """The documents the portal lacks."""

    missing: list[str]


def refuse_oversized(request: HttpRequest) -> None:
    """413 before reading a body over the limit."""
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        raise Problem(400, "The Content-Length header is not a number.") from None
    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    if limit is not None and length > limit:
        raise Problem(413, f"The request is {length // 1024} KB; the portal takes at most "
                           f"{limit // 1024} KB at once. Send smaller batches.")


@router.post("/branches/{branch}/events", response={200: BatchResultOut},
             exclude_none=True)
def push_events(request: HttpRequest, branch: str) -> HttpResponse:
    """pushEvents: store each new event once; duplicates and refusals say so."""
    contract.parameters("pushEvents", {"branch": branch}, request.GET)
    sender = own_branch(request, branch)
    refuse_oversized(request)
    body = contract.json_body("pushEvents", request)
    results = events.store_batch(sender, body["events"], Marks.of(body))
    # Written as JSON directly: 500 answers through the response schema cost more than the
    # push's own work; the shape is BatchResultOut's (no code or reason when not refused).
    return HttpResponse(json.dumps({"results": [r.wire() for r in results]},
                                   ensure_ascii=False), content_type="application/json")


@router.get("/branches/{branch}/marks", response={200: BranchMarksOut}, exclude_none=True)
def branch_marks(request: HttpRequest, branch: str) -> BranchMarksOut:
    """getBranchMarks: the highest seq and numbers head office holds from this branch."""
    contract.parameters("getBranchMarks", {"branch": branch}, request.GET)
    marks = marks_of(own_branch(request, branch))
    return BranchMarksOut(
        branch=marks.branch, epoch=str(marks.epoch) if marks.epoch else None, seq=marks.seq,
        numbers=[NumberMarkOut(kind=k, year=y, last=last) for k, y, last in marks.numbers])


@router.post("/branches/{branch}/nightly", response={204: None})
def push_nightly(request: HttpRequest, branch: str) -> tuple[int, None]:
    """pushNightly: keep the report for the drift check."""
    contract.parameters("pushNightly", {"branch": branch}, request.GET)
    sender = own_branch(request, branch)
    refuse_oversized(request)
    nightly.store_report(sender, contract.json_body("pushNightly", request))
    return 204, None


@router.post("/documents/missing", response={200: MissingOut})
def missing_documents(request: HttpRequest) -> MissingOut:
    """missingDocuments: which of these this branch has not uploaded."""
    sender = branch_of(request)
    refuse_oversized(request)
    body = contract.json_body("missingDocuments", request)
    return MissingOut(missing=documents.missing(sender, body["sha256"]))


@router.put("/documents/{sha256}")
def upload_document(request: HttpRequest, sha256: str) -> HttpResponse:
    """uploadDocument: 201 when stored now, 200 when the branch already had it."""
    contract.parameters("uploadDocument", {"sha256": sha256}, request.GET)
    sender = branch_of(request)
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        raise Problem(400, "The Content-Length header is not a number.") from None
    if length > documents.MAX_BYTES:
        raise documents.too_big(length)
    kind = (request.content_type or "").lower()
    if kind != "application/octet-stream":
        raise Problem(400, f"Send the document as application/octet-stream (it came as "
                           f"{kind or 'nothing'}).")
    created = documents.store(sender, sha256, request.body)
    return HttpResponse(status=201 if created else 200)


@router.get("/documents/{sha256}")
def download_document(request: HttpRequest, sha256: str) -> HttpResponse:
    """downloadDocument: the bytes, only of a document this branch holds."""
    contract.parameters("downloadDocument", {"sha256": sha256}, request.GET)
    data = documents.read(branch_of(request), sha256)
    if data is None:
        raise Problem(404, f"This branch holds no document {sha256[:12]}…; it may belong to "
                           "another branch, or not have arrived yet.", code="no_such_document")
    answer = HttpResponse(data, content_type="application/octet-stream")
    # Never shown inline from the portal's origin: a document is untrusted content.
    answer["Content-Disposition"] = f'attachment; filename="{sha256}"'
    answer["X-Content-Type-Options"] = "nosniff"
    return answer
