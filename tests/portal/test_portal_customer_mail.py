"""Email from head office: each claim step a till pushes reaches its customer, and the branch
hears through its inbox whether it went."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from email.message import Message
from pathlib import Path

from aiosmtpd.smtp import SMTP as SMTPServer
from aiosmtpd.smtp import Envelope, Session
from sqlalchemy import select

from portal import clock
from portal.customers import mail as claim_mail
from portal.customers.models import ClaimMail
from portal.inbox.models import InboxItem
from portal.projections.models import Claim
from portal.projections.models import Message as Projected
from printing import jobs
from printing.documents import PrintRequest
from sync.inbox import PortalInbox, pull_once
from tests.conftest import actor
from tests.portal.customers import Mailbox, Shops, smtp
from tests.portal.support import LivePortal, PortalDatabase, RegisteredBranch, run_worker
from tests.portal.till import client, push_all, till
from warranty_desk.models import CustomerMessage
from warranty_desk.permissions import Role
from warranty_desk.rules.claim_states import ClaimState, Outcome
from warranty_desk.services import catalogue, claims, decisions
from warranty_desk.services.activation import record_sale
from warranty_desk.services.claim_detail import claim_detail
from warranty_desk.services.customers import CustomerInput
from warranty_desk.services.sale_input import LineInput, SaleInput
from warranty_desk.storage.database import Database
from warranty_desk.storage.documents import DocumentStore

# A customer's name with markup and non-Latin letters: the till writes it into the wording.
GRACE = CustomerInput('Grace <b>"Hopper"</b> Δ', email="grace@example.org")
BOUNCES = CustomerInput("Nobody Here", email="nobody@bounce.example")
NO_EMAIL = CustomerInput("Phone Only", phone="+44 20 7946 0002")


@dataclass
class Refusing(Mailbox):
    """A mail server that refuses every address at bounce.example."""

    async def handle_RCPT(self, server: SMTPServer, session: Session, envelope: Envelope,
                          address: str, rcpt_options: list[str]) -> str:
        if address.endswith("@bounce.example"):
            return "550 5.1.1 No such mailbox here"
        envelope.rcpt_tos.append(address)
        return "250 OK"


def _shop(db: Database) -> dict[str, str]:
    owner, sales, manager = actor(Role.OWNER), actor(Role.SALES), actor(Role.MANAGER)
    catalogue.add_policy(db, owner, catalogue.PolicyInput(name="Mail 12",
                                                          manufacturer_months=12))
    catalogue.add_products(db, owner, [catalogue.ProductInput(
        sku="MAIL-1", name="Kettle", brand="Orbit", category="kitchen", policy="Mail 12",
        list_price_minor=5_000)])
    numbers = {}
    for n, who in enumerate((GRACE, BOUNCES, NO_EMAIL)):
        sale = record_sale(db, sales, SaleInput(f"INV-M{n}", date(2026, 11, 20), (
            LineInput("MAIL-1", 1, 5_000, (f"SN-M{n}",), None),), who))
        numbers[who.name] = claims.start_claim(
            db, sales, claims.StartClaim(sale.warranty_codes[0], "Lid will not close")).number
    grace = numbers[GRACE.name]
    claims.advance(db, manager, grace, ClaimState.REVIEWING)
    decisions.decide(db, manager, grace, decisions.Decision(Outcome.REJECT, "Dropped <hard>"))
    return numbers


@dataclass(frozen=True)
class Sent:
    """A message the till queued, as it stands."""

    id: str
    claim: str
    template: str
    subject: str
    body: str
    state: str


def _messages(db: Database) -> list[Sent]:
    with db.read() as session:
        return [Sent(m.id.hex, str(m.claim_id), m.template, m.subject, m.body, m.state)
                for m in session.scalars(select(CustomerMessage)
                                         .order_by(CustomerMessage.created_at))]


def _parts(mail: Message) -> dict[str, str]:
    found = {}
    for part in mail.walk():
        if not part.is_multipart():
            payload = part.get_payload(decode=True)
            assert isinstance(payload, bytes)
            found[part.get_content_type()] = payload.decode().replace("\r\n", "\n")
    return found


def test_each_claim_step_is_mailed_in_the_tills_words_and_the_branch_hears_how_it_went(
    live_portal: LivePortal, portal_db: PortalDatabase, branch: RegisteredBranch,
    tmp_path: Path,
) -> None:
    home, db = till(tmp_path, branch)
    numbers = _shop(db)
    queued = _messages(db)
    grace = [m for m in queued if m.body.startswith("Hello Grace")]
    assert [m.template for m in grace] == ["claim_received", "claim_reviewing",
                                           "claim_rejected"]
    push_all(db, live_portal, branch)
    with smtp(Refusing()) as box:
        for _ in range(2):  # the second run finds nothing more to send
            run_worker(portal_db, PORTAL_SMTP_HOST="127.0.0.1", PORTAL_SMTP_PORT=str(box.port))
    # Grace's three steps, in order, with the till's subject and text, and an HTML copy.
    # The worker sends them side by side: matched by subject, not by arrival.
    to_grace = sorted((mail for to, mail in box.messages if to == ["grace@example.org"]),
                      key=lambda mail: str(mail["Subject"]))
    grace = sorted(grace, key=lambda message: message.subject)
    assert [mail["Subject"] for mail in to_grace] == [m.subject for m in grace]
    for mail, message in zip(to_grace, grace, strict=True):
        parts = _parts(mail)
        assert parts["text/plain"].strip() == message.body
        assert "Hello Grace &lt;b&gt;&quot;Hopper&quot;&lt;/b&gt; Δ," in parts["text/html"]
    rejected = next(mail for mail in to_grace if "cannot cover" in str(mail["Subject"]))
    assert "Dropped &lt;hard&gt;" in _parts(rejected)["text/html"]
    # A second worker run sent nothing again.
    assert len(box.messages) == len(to_grace)
    states = dict(ClaimMail.objects.filter(branch_id=branch.pk)
                  .values_list("message_id", "state"))
    assert sorted(states.values()).count("sent") == 3 and len(states) == 5
    # The branch pulls how each went: Grace's are sent, the others failed, saying why.
    report = pull_once(db, PortalInbox(client(live_portal, branch.token), branch.code),
                       documents=DocumentStore(home.documents))
    assert report.applied == 5, report
    after = {m.id: m.state for m in _messages(db)}
    assert all(after[m.id] == "sent" for m in grace)
    by_claim = {m.claim: after[m.id] for m in queued if m not in grace}
    assert sorted(by_claim.values()) == ["failed", "failed"]
    reasons = [i.payload.get("reason", "") for i in InboxItem.objects.filter(
        branch_id=branch.pk, kind="message_delivery")]
    assert sorted(r for r in reasons if r) == [
        "head office has no email address for the customer",
        "the mail server refused the customer's address"]
    timeline = claim_detail(db, actor(Role.MANAGER), numbers[GRACE.name]).timeline
    assert any(t.reason.startswith("Head office emailed the customer") for t in timeline)


def test_a_message_reaching_head_office_a_week_late_is_reported_failed_not_sent(
    records: Shops,
) -> None:
    claim = Claim.objects.get(branch_id=records.north.pk, number="CL-9")
    now = clock.now()
    for message_id, age in (("late-8d", 8), ("gone-31d", 31)):
        Projected.objects.create(branch_id=records.north.pk, message_id=message_id, claim=claim,
                               customer=claim.customer, subject="Claim CL-9", body="Old news",
                               queued_at=now - timedelta(days=age))
    made = claim_mail.queue_new(records.north.pk)
    assert [ClaimMail.objects.get(pk=pk).message_id for pk in made] == ["late-8d"]
    with smtp() as box:
        assert claim_mail.send_claim_mail(made[0]) == "failed"
        assert claim_mail.send_claim_mail(made[0]) == "failed"  # a job run twice reports once
    assert box.messages == []
    (report,) = InboxItem.objects.filter(branch_id=records.north.pk, kind="message_delivery")
    assert report.payload["state"] == "failed"
    assert report.payload["reason"].startswith("it reached head office more than 7 days after")


def test_a_message_the_branch_printed_as_a_letter_is_never_emailed_as_well(
    live_portal: LivePortal, portal_db: PortalDatabase, branch: RegisteredBranch,
    tmp_path: Path,
) -> None:
    home, db = till(tmp_path, branch)
    _shop(db)
    # Head office already holds the messages when the branch prints Grace's first letter and
    # hands it over; both pushes are projected, and mailed, by the one worker run.
    push_all(db, live_portal, branch)
    received = next(m for m in _messages(db) if m.body.startswith("Hello Grace")
                    and m.template == "claim_received")
    done = jobs.print_document(db, actor(Role.SALES), PrintRequest(
        "letter", received.id, str(tmp_path / "letter.pdf")))
    assert done.delivered
    push_all(db, live_portal, branch)
    with smtp(Refusing()) as box:
        run_worker(portal_db, PORTAL_SMTP_HOST="127.0.0.1", PORTAL_SMTP_PORT=str(box.port))
    assert Projected.objects.get(branch_id=branch.pk, message_id=received.id).by_hand_at
    subjects = [str(mail["Subject"]) for to, mail in box.messages
                if to == ["grace@example.org"]]
    assert len(subjects) == 2 and received.subject not in subjects
    assert ClaimMail.objects.get(branch_id=branch.pk,
                                 message_id=received.id).state == ClaimMail.BY_HAND
    # The branch hears of the other four; its letter stays delivered by hand.
    report = pull_once(db, PortalInbox(client(live_portal, branch.token), branch.code),
                       documents=DocumentStore(home.documents))
    assert report.applied == 4, report
    assert next(m for m in _messages(db) if m.id == received.id).state == "delivered"
