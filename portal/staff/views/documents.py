"""A claim's document, always downloaded as an attachment: never shown from the portal's origin."""

from __future__ import annotations

from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, HttpRequest
from django.views.decorators.http import require_GET

from portal.projections.models import ClaimDocument
from portal.receiver.models import Document, storage_name
from portal.staff.roles import EVERYONE, allow
from portal.staff.views.common import branch_or_404

_EXTENSIONS = {"image/jpeg": "jpg", "image/png": "png", "image/webp": "webp",
               "image/heic": "heic", "image/heif": "heif", "image/gif": "gif",
               "application/pdf": "pdf", "text/plain": "txt", "video/mp4": "mp4",
               "video/quicktime": "mov"}


@require_GET
@allow(*EVERYONE)
def download(request: HttpRequest, code: str, number: str, sha256: str) -> FileResponse:
    """The bytes of a document the claim carries, as a file to save."""
    branch = branch_or_404(code)
    carried = (ClaimDocument.objects.filter(claim__branch=branch, claim__number=number.upper(),
                                            sha256=sha256).first())
    held = Document.objects.filter(branch=branch, sha256=sha256).first()
    if carried is None or held is None:
        raise Http404("This claim carries no such document, or it has not arrived yet.")
    extension = _EXTENSIONS.get(held.media_type, "bin")
    name = f"{number.upper()}-{carried.kind or 'document'}-{sha256[:12]}.{extension}"
    answer = FileResponse(default_storage.open(storage_name(sha256), "rb"), as_attachment=True,
                          filename=name, content_type="application/octet-stream")
    answer["X-Content-Type-Options"] = "nosniff"
    # Even if a browser were talked into rendering it, it runs nothing and reaches nothing.
    answer["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return answer
