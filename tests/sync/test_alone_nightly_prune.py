"""The nightly run of a till working alone lets go the messages it emailed, and nothing else."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from sync.runner import run_cycle
from tests.conftest import TODAY, actor, stand_on
from tests.sync.mail_box import free_port, smtp_server
from tests.unit.services.helpers import sell
from warranty_desk.config import SyncSettings
from warranty_desk.models import OutboxEvent
from warranty_desk.permissions import Role
from warranty_desk.services import claims
from warranty_desk.storage.database import Database
from warranty_desk.storage.home import Home

SMTP = dict(messages="smtp", smtp_host="127.0.0.1", smtp_tls="none",
            mail_from="repairs@shop.example")


def _events(db: Database) -> dict[int, str]:
    with db.read() as session:
        return {seq: topic for seq, topic in session.execute(
            select(OutboxEvent.seq, OutboxEvent.topic))}


def test_a_nightly_run_alone_removes_emailed_messages_after_a_week_and_keeps_the_rest(
        shop: Database) -> None:
    home = Home(shop.path.parent)
    first, second = sell(shop, serials=("SN-A", "SN-B")).warranty_codes
    claims.start_claim(shop, actor(Role.SALES), claims.StartClaim(first, "Dead"))
    port = free_port()
    settings = SyncSettings(smtp_port=port, **SMTP)  # type: ignore[arg-type]
    with smtp_server(port) as box:
        assert run_cycle(home, shop, settings, nightly=True).complete
    assert len(box.messages) == 1
    emailed = [seq for seq, topic in _events(shop).items() if topic == "message.queued"]
    assert len(emailed) == 1
    # A week on, a second claim's message could not be emailed: the server is down.
    stand_on(shop, TODAY + timedelta(days=8), hour=2)
    claims.start_claim(shop, actor(Role.SALES), claims.StartClaim(second, "Cracked"))
    everything = _events(shop)
    down = run_cycle(home, shop, settings, nightly=True)
    assert not down.online
    # The emailed message went; the one still waiting for the server stayed, and so did
    # every event a head office connected later would need (the sales, the claims).
    left = _events(shop)
    assert emailed[0] not in left
    assert {seq: topic for seq, topic in left.items() if seq in everything} == {
        seq: topic for seq, topic in everything.items() if seq != emailed[0]}
    assert list(left.values()).count("message.queued") == 1
    with smtp_server(port) as box:
        assert run_cycle(home, shop, settings).complete  # the waiting message still goes
    assert len(box.messages) == 1
