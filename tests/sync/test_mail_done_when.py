"""Done when: on the demo shop with an SMTP server on loopback, every claim step's message is
emailed once, and a later step's message once more, never an earlier one again."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from sqlalchemy import select

from sync.runner import run_cycle
from tests.conftest import actor, pinned_clock
from tests.sync.mail_box import free_port, smtp_server
from warranty_desk.config import SyncSettings
from warranty_desk.demo.story import build_demo_shop
from warranty_desk.models import Claim, Customer, CustomerMessage
from warranty_desk.permissions import Role
from warranty_desk.rules.claim_states import ClaimState
from warranty_desk.services import claims, setup
from warranty_desk.storage.home import Home


def _sent_and_not(db: object) -> tuple[set[str], dict[str, str]]:
    with db.read() as session:  # type: ignore[attr-defined]
        rows = session.execute(select(CustomerMessage.id, CustomerMessage.state,
                                      CustomerMessage.reason, Customer.email)
                               .outerjoin(Customer, Customer.id == CustomerMessage.customer_id)
                               .where(CustomerMessage.direction == "outbound")).all()
    sent = {r.id.hex for r in rows if r.state == "sent"}
    others = {r.id.hex: f"{r.state}: {r.reason} ({r.email!r})" for r in rows
              if r.state != "sent"}
    return sent, others


def test_every_claim_step_on_the_demo_shop_is_emailed_once(tmp_path: Path) -> None:
    home = Home(tmp_path / "home")
    db, _ = setup.init(home, clock=pinned_clock())
    build_demo_shop(db)
    port = free_port()
    settings = SyncSettings(messages="smtp", smtp_host="127.0.0.1", smtp_port=port,
                            smtp_tls="none", mail_from="repairs@demo.example")
    try:
        with db.read() as session:
            queued = session.scalars(select(CustomerMessage.id).where(
                CustomerMessage.direction == "outbound")).all()
        assert len(queued) > 10
        with smtp_server(port) as box:
            report = run_cycle(home, db, settings)
            sent, others = _sent_and_not(db)
            # A message whose customer has no email address fails in plain words (a letter is
            # the way for them); every other one went, once.
            assert all("no email address on file" in why and "''" in why
                       for why in others.values()), others
            assert len(sent) + len(others) == len(queued) and sent
            assert Counter(box.ids()) == Counter(
                {f"<{h}@demo.example>": 1 for h in sent}), report.message
            # The next claim step: its message alone goes with the next cycle.
            with db.read() as session:
                number = session.scalars(select(Claim.number).join(
                    Customer, Customer.id == Claim.customer_id).where(
                    Claim.state == ClaimState.RECEIVED, Customer.email != "")).first()
            assert number is not None
            claims.advance(db, actor(Role.TECHNICIAN), number, ClaimState.REVIEWING)
            run_cycle(home, db, settings)
            run_cycle(home, db, settings)
            now_sent, _ = _sent_and_not(db)
            [new] = now_sent - sent
            assert Counter(box.ids()) == Counter(
                {f"<{h}@demo.example>": 1 for h in now_sent})
            assert len(box.ids()) == len(sent) + 1 and box.ids()[-1] == f"<{new}@demo.example>"
    finally:
        db.dispose()
