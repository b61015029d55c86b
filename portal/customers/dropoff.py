"""A customer's copy of the claim drop-off ticket: the till's layout, from the projected claim."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET

from portal import clock
from portal.customers import claims
from portal.customers.models import CustomerAccount
from portal.customers.views import attachment, customer_page
from printing.pdf.ticket import render_ticket_pdf
from warranty_desk.printables import ShopHeader, TicketView

# Head office is not told what was handed in with the unit, nor how it looked: the shop's own
# ticket says; "Unit only" here would be a guess passed off as the counter's record.
NOT_SENT = "as on the ticket the shop gave you"
COPY_OF = "Your copy, from the customer portal"
HOW_TO_FOLLOW = ("Follow each step of your claim and message the shop on the claim's page, "
                 "or call the shop with the claim number.")


def offered(own: claims.OwnClaim) -> bool:
    """Whether the ticket is offered: the branch has numbered the claim and still holds it open."""
    # The same test as OwnClaim.is_open, which the claim page's link reads.
    return own.claim is not None and own.is_open


def ticket_of(own: claims.OwnClaim, page_url: str | None = None) -> TicketView:
    """The ticket's view of one of the customer's projected claims (the branch has it)."""
    found = own.claim
    assert found is not None
    warranty = own.warranty
    product = warranty.product if warranty is not None else None
    holder = found.customer
    branch = found.branch
    shop = branch.name or f"Branch {branch.code}"
    opened = found.opened_at or (own.opened_at or clock.now())
    return TicketView(
        # Head office has no address for a branch; the header line says whose copy this is.
        shop=ShopHeader(name=shop, branch_name=shop, branch_code=branch.code,
                        address=COPY_OF, phone="", email="", locale="en_GB", currency="GBP"),
        copy=True, printed_at=timezone.localtime(clock.now()), claim_number=found.number,
        opened_at=timezone.localtime(opened), channel=found.channel or "not_recorded",
        product_name=product.name if product is not None else "Product",
        sku=product.sku if product is not None else None, brand=None,
        serial=found.serial or (warranty.serial if warranty is not None else None) or None,
        warranty_code=warranty.code if warranty is not None else None,
        customer_name=(holder.name if holder is not None else "") or None,
        customer_phone=(holder.phone if holder is not None else "") or None,
        accessories=NOT_SENT, condition=NOT_SENT, fault=found.fault, promised_on=None,
        received_by=shop, how_to_follow=HOW_TO_FOLLOW,
        portal_url=page_url)


@require_GET
@customer_page
def dropoff_ticket(request: HttpRequest, account: CustomerAccount, branch: str, number: str
                   ) -> HttpResponse:
    """The customer's copy of the drop-off ticket of one of their open claims, as a download."""
    own = claims.own_claim(account, branch, number)
    if not offered(own):
        raise Http404("No drop-off ticket: the shop has not got this claim, or it is closed.")
    page = request.build_absolute_uri(reverse("customers:claim", args=[own.branch.code, own.ref]))
    return attachment(render_ticket_pdf(ticket_of(own, page)), "application/pdf",
                      f"claim-{own.ref}-drop-off-ticket.pdf")
