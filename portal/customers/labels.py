"""The customer's return label of an approved online return, as a PDF download."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.views.decorators.http import require_GET

from portal.customers import claims
from portal.customers.models import CustomerAccount
from portal.customers.returns import label_of
from portal.customers.views import attachment, customer_page
from printing.pdf.return_label import render_return_label


@require_GET
@customer_page
def return_label(request: HttpRequest, account: CustomerAccount, branch: str, number: str
                 ) -> HttpResponse:
    """The return label of one of the customer's approved returns, as a PDF download."""
    own = claims.own_claim(account, branch, number)
    view = label_of(own)
    if view is None:
        raise Http404("No return label: the return is not approved yet, or is no return.")
    return attachment(render_return_label(view), "application/pdf",
                      f"return-label-{view.claim_number}.pdf")
