"""The customer's own pages: products as warranty cards with certificates, claim timelines."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from functools import wraps

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from portal import clock
from portal.customers.certificate import certificate_pdf
from portal.customers.identity import customers_of
from portal.customers.models import CustomerAccount
from portal.customers.timeline import step_name, steps
from portal.projections.cover import Standing, standing
from portal.projections.models import Claim, Warranty, WarrantyLayer
from portal.public.views import LAYER_NAMES

View = Callable[..., HttpResponse]


def customer_page(view: Callable[..., HttpResponse]) -> View:
    """Signed-in customers only: anyone else is asked for a code (staff too)."""
    @wraps(view)
    def guarded(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
        account = (CustomerAccount.objects.filter(user_id=request.user.pk).first()
                   if request.user.is_authenticated else None)
        if account is None:
            return redirect("account_request_login_code")
        return view(request, account, *args, **kwargs)
    return never_cache(guarded)


def own_warranties(account: CustomerAccount) -> list[Warranty]:
    """The account's warranties in every branch, newest sale first."""
    return list(Warranty.objects.select_related("product", "branch")
                .prefetch_related("layers")
                .filter(customer__in=customers_of(account)).exclude(status="")
                .order_by("-start_on", "branch__code", "code"))


def own_warranty(account: CustomerAccount, branch: str, code: str) -> Warranty:
    """One of the account's warranties; 404 for anyone else's (or none)."""
    found = (Warranty.objects.select_related("product", "branch").prefetch_related("layers")
             .filter(customer__in=customers_of(account), branch__code=branch.upper(),
                     code=code.upper()).exclude(status="").first())
    if found is None:
        raise Http404("No such warranty among yours.")
    return found


@dataclass(frozen=True)
class Card:
    """What one warranty card shows."""

    warranty: Warranty
    standing: Standing
    layers: list[tuple[str, WarrantyLayer, bool]]  # name, layer, running today

    @property
    def sold_on(self) -> date | None:
        """The sale day: the first day of cover the till recorded."""
        starts = [layer.start_on for _, layer, _ in self.layers]
        return min(starts) if starts else self.warranty.start_on


def card(warranty: Warranty, today: date) -> Card:
    """The card of one warranty as it stands today."""
    return Card(warranty, standing(warranty, today),
                [(LAYER_NAMES.get(layer.kind, layer.kind.title()), layer,
                  layer.start_on <= today <= layer.end_on) for layer in warranty.layers.all()])


@require_GET
@customer_page
def products(request: HttpRequest, account: CustomerAccount) -> HttpResponse:
    """My products: every registered product as a warranty card."""
    today = clock.today()
    return render(request, "customers/products.html", {
        "account": account, "today": today,
        "cards": [card(w, today) for w in own_warranties(account)],
        "claims": [(c, step_name(c.state)[0]) for c in
                   Claim.objects.select_related("branch", "warranty__product")
                   .filter(customer__in=customers_of(account)).order_by("-opened_at")]})


@require_GET
@customer_page
def claim(request: HttpRequest, account: CustomerAccount, branch: str, number: str
          ) -> HttpResponse:
    """One of the customer's claims: each step with its date and plain wording."""
    found = (Claim.objects.select_related("branch", "warranty__product")
             .prefetch_related("timeline")
             .filter(customer__in=customers_of(account), branch__code=branch.upper(),
                     number=number.upper()).first())
    if found is None:
        raise Http404("No such claim among yours.")
    title, wording = step_name(found.state)
    return render(request, "customers/claim.html", {
        "claim": found, "now_title": title, "now_wording": wording, "steps": steps(found)})


@require_GET
@customer_page
def certificate(request: HttpRequest, account: CustomerAccount, branch: str, code: str
                ) -> HttpResponse:
    """The certificate PDF of one of the customer's own warranties, as a download."""
    warranty = own_warranty(account, branch, code)
    answer = HttpResponse(certificate_pdf(warranty, request.build_absolute_uri("/")[:-1]),
                          content_type="application/pdf")
    answer["Content-Disposition"] = f'attachment; filename="warranty-{warranty.code}.pdf"'
    answer["X-Content-Type-Options"] = "nosniff"
    return answer
