"""Frozen views of what goes on paper: slips, certificates, claim tickets, labels, close reports.

Services build them from the database; the layouts in `printing/` turn them into bytes and
never read the database themselves, so a layout is a pure function of its view.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from warranty_desk.money import MoneyFormat
from warranty_desk.views import LayerView


@dataclass(frozen=True, slots=True)
class ShopHeader:
    """Who printed this: the top of every document, and how dates and money are written."""

    name: str
    branch_name: str
    branch_code: str
    address: str
    phone: str
    email: str
    locale: str  # babel locale name, e.g. en_GB
    currency: str  # ISO 4217, e.g. EUR
    logo_png: bytes | None = None

    @property
    def money(self) -> MoneyFormat:
        """How this shop writes its amounts on paper."""
        return MoneyFormat(self.currency, self.locale)


@dataclass(frozen=True, slots=True)
class SlipView:
    """One unit's warranty: the thermal slip and the certificate PDF both come from this."""

    shop: ShopHeader
    copy: bool  # a reprint: the document says COPY so nobody takes it for a second warranty
    printed_at: datetime  # local time of the print
    warranty_code: str
    status: str  # active | void
    invoice_number: str
    sold_on: date
    product_name: str
    sku: str
    brand: str
    category: str
    serial: str | None
    customer_name: str | None
    start_on: date
    end_on: date
    layers: tuple[LayerView, ...]  # kind is manufacturer | shop | extension
    key_terms: tuple[str, ...]  # a few short plain lines for the slip
    terms: str  # the policy's full terms for the certificate
    exclusions: tuple[str, ...]
    how_to_claim: str
    portal_url: str | None  # the QR code's target; None when the shop has no portal link
    # Set while the cover waits for delivery: printed instead of any date (then layers is
    # empty), as a paper in the customer's hand must not promise cover from the order date.
    cover_note: str | None = None


@dataclass(frozen=True, slots=True)
class TicketView:
    """The drop-off ticket the customer keeps when a unit is left for a claim."""

    shop: ShopHeader
    copy: bool
    printed_at: datetime
    claim_number: str
    opened_at: datetime  # local time
    channel: str
    product_name: str
    sku: str | None
    brand: str | None
    serial: str | None
    warranty_code: str | None
    customer_name: str | None
    customer_phone: str | None
    accessories: str  # what was handed in with the unit; empty means the unit alone
    condition: str  # visible condition as recorded at the counter
    fault: str  # the fault in the customer's words
    promised_on: date | None
    received_by: str  # the staff member's name
    how_to_follow: str
    portal_url: str | None


@dataclass(frozen=True, slots=True)
class HandBackView:
    """The handover receipt: which unit went back to whom, in what state, and their confirmation."""

    shop: ShopHeader
    copy: bool
    printed_at: datetime  # local time of the print
    receipt_number: str
    claim_number: str
    outcome: str  # what became of the claim in words: "Repaired", "Returned unrepaired", ...
    unit: str  # unit | replacement
    product_name: str
    brand: str | None
    serial: str | None
    customer_name: str | None
    handed_at: datetime  # local time
    handed_by: str
    collected_by: str
    on_behalf_proof: str  # "" when the customer on file collected
    accessories: tuple[str, ...]
    accessories_missing: tuple[str, ...]  # taken in at intake, not handed back
    condition: str
    signature_png: bytes | None  # None: signed on paper, so the receipt carries a line to sign


@dataclass(frozen=True, slots=True)
class LabelView:
    """A tag for a faulty unit in returns stock."""

    claim_number: str
    product_name: str
    sku: str | None
    serial: str | None
    supplier: str
    brand: str
    received_on: date
    fault: str
    branch_code: str


@dataclass(frozen=True, slots=True)
class StaffDay:
    """One staff member's counts for the day (or the totals line, with name "Total")."""

    staff_name: str
    activations: int
    extensions_sold: int
    extension_revenue_minor: int
    registration_gaps: int
    claims_opened: int
    claims_closed: int


@dataclass(frozen=True, slots=True)
class RegistrationGap:
    """A serial-required unit sold without its serial: someone must capture it."""

    invoice_number: str
    product_name: str
    sku: str
    warranty_code: str
    staff_name: str


@dataclass(frozen=True, slots=True)
class CloseReportView:
    """The point-of-sale close report for one day at one branch."""

    shop: ShopHeader
    day: date
    printed_at: datetime
    rows: tuple[StaffDay, ...]
    totals: StaffDay
    gaps: tuple[RegistrationGap, ...]


@dataclass(frozen=True, slots=True)
class LetterView:
    """One message to a customer as a letter on the shop's letterhead (A4 or the roll)."""

    shop: ShopHeader
    copy: bool  # printed before, or already sent by email or head office: a reprint
    copy_note: str  # why it is a copy, in the customer's words ("" for an original)
    printed_at: datetime  # local time of the print
    written_on: date  # the day the message was written, in the shop's calendar
    message_id: str  # hex: what the print queue and the command line name it by
    customer_name: str | None
    claim_number: str | None
    subject: str
    body: str
