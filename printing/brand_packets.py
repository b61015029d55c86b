"""The brand packet on paper: a brand claim in its brand's layout, with the shop's letterhead."""

from __future__ import annotations

from printing.pdf.brand_packet import PacketDoc, render_packet_pdf
from warranty_desk.clock import zone_of
from warranty_desk.permissions import Actor
from warranty_desk.services.brand_packet import packet_in
from warranty_desk.services.letterhead import header, local_now, shop_of
from warranty_desk.services.unit_of_work import UnitOfWork
from warranty_desk.storage.database import Database
from warranty_desk.storage.documents import DocumentStore


def packet_pdf(db: Database, actor: Actor, number: str, *, paper: str = "A4",
               documents: DocumentStore | None = None) -> bytes:
    """A brand claim's packet as a PDF (the reader's permission is checked by the packet)."""
    with UnitOfWork.read(db) as uow:
        found = packet_in(uow, actor, number)
        shop = shop_of(uow.session)
        doc = PacketDoc(found, header(shop, documents), local_now(uow.session, shop),
                        zone_of(shop.timezone), actor.name)
    return render_packet_pdf(doc, paper=paper)
