"""What the demo story holds while it is told: its people, the units sold, evidence, serials."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

from warranty_desk.demo.files import pdf_bytes, png_bytes
from warranty_desk.demo.timeline import Timeline
from warranty_desk.permissions import Actor, Role
from warranty_desk.storage.database import Database
from warranty_desk.storage.documents import DocumentStore, StoredDocument

# Crockford-style letters without 0/1/I/O, which people misread off a label.
SERIAL_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"


def random_serial(rng: random.Random, prefix: str, used: set[str]) -> str:
    """A label-like serial such as LUM14-2A7F9K, never one already used in this run."""
    while True:
        serial = prefix + "-" + "".join(rng.choice(SERIAL_ALPHABET) for _ in range(6))
        if serial not in used:
            used.add(serial)
            return serial


@dataclass(slots=True)
class StoryShop:
    """What the story needs while it is told: people, units and evidence."""

    db: Database
    today: date
    rng: random.Random
    store: DocumentStore
    timeline: Timeline
    people: dict[Role, Actor] = field(default_factory=dict)
    units: dict[str, tuple[str, str | None]] = field(default_factory=dict)
    prices: dict[str, int] = field(default_factory=dict)
    sold_on: dict[str, date] = field(default_factory=dict)
    serials: set[str] = field(default_factory=set)
    documents: int = 0

    def moment(self, days_ago: int, minutes: int = 0) -> datetime:
        opening = datetime.combine(self.today - timedelta(days=days_ago), time(9, 30), UTC)
        return opening + timedelta(minutes=minutes)

    def evidence(self, kind: str, label: str) -> StoredDocument:
        self.documents += 1
        n = self.documents
        if kind in ("photo_of_fault", "damage_photos", "serial_photo"):
            colour = (60 + n * 37 % 150, 80 + n * 53 % 120, 120 + n * 29 % 100)
            return self.store.put(png_bytes(64, 48, colour, seed=n))
        title = "Technician's report" if kind == "technician_report" else "Receipt"
        return self.store.put(pdf_bytes(title, (label, f"Document {n} of the demo shop.")))

    def days_ago(self, key: str) -> int:
        """How many days before today the unit of a story sale was sold."""
        return (self.today - self.sold_on[key]).days
