"""The public warranty check page: what a slip's QR code opens, with no personal data on it."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET

from portal import clock
from portal.projections.cover import standing
from portal.projections.models import Warranty

LAYER_NAMES = {"manufacturer": "Manufacturer's warranty", "shop": "Shop warranty",
               "extension": "Extended warranty"}
MAX_CODE = 64


def find(code: str) -> Warranty | None:
    """The warranty a code names; codes carry their branch's code, which settles a clash."""
    key = "".join(code.split()).upper()[:MAX_CODE]
    found = list(Warranty.objects.select_related("product", "branch")
                 .prefetch_related("layers").filter(code=key)[:5])
    if len(found) > 1:
        own = [w for w in found if key.startswith(f"{w.branch.code}-")]
        found = own if len(own) == 1 else []
    return found[0] if len(found) == 1 else None


def masked(serial: str) -> str:
    """Enough of a serial for its owner to recognise the unit, not to copy it."""
    return "" if not serial else "•••" + serial[-4:] if len(serial) > 4 else "•" * len(serial)


@require_GET
@cache_control(max_age=60, public=True)
def check(request: HttpRequest, code: str) -> HttpResponse:
    """/w/<code>: the product, its cover layers and dates, and where it stands today."""
    warranty = find(code)
    if warranty is None or not warranty.status:
        return not_found(request, None, code=code)
    today = clock.today()
    return render(request, "public/check.html", {
        "warranty": warranty, "standing": standing(warranty, today), "today": today,
        "serial": masked(warranty.serial),
        "layers": [(LAYER_NAMES.get(layer.kind, layer.kind.title()), layer)
                   for layer in warranty.layers.all()],
    })


def not_found(request: HttpRequest, exception: Exception | None = None, *,
              code: str = "") -> HttpResponse:
    """A plain page: nothing is at this address (also the portal's 404 page)."""
    return render(request, "public/not_found.html", {"code": code[:MAX_CODE]}, status=404)
