"""One branch's read-model rows that a run of its events touches, held in memory until flushed.

The projector reads a run of events and every row they name in one query per table, the
handlers change plain row objects here, and `flush` writes what changed in a few set-wise
statements (each table's rows as one JSON array that PostgreSQL unpacks: upserts on the natural
keys, a warranty's layers replaced at once, timeline lines, documents and messages inserted
once). A run that fails is thrown away whole: nothing here is written until `flush`.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.db import connection

from portal import contract
from portal.projections.book_rows import Claim, Customer, Layer, Product, Warranty


def text(value: object, limit: int = 200) -> str:
    """A field's text as the read models keep it: cut to the column's length."""
    return "" if value is None else str(value)[:limit]


def day(value: object) -> date | None:
    """A date field of a payload."""
    return date.fromisoformat(value) if isinstance(value, str) and value else None


def instant(value: object) -> datetime | None:
    """An instant field of a payload."""
    return contract.instant(value) if isinstance(value, str) and value else None


@dataclass(slots=True)
class StoredEvent:
    """A stored event as the handlers read it."""

    id: uuid.UUID
    branch_id: int
    received_no: int
    seq: int
    topic: str
    aggregate: str
    aggregate_id: str
    occurred_at: datetime
    payload: Any


_EVENTS = """
SELECT id, branch_id, received_no, seq, topic, aggregate, aggregate_id, occurred_at, payload
FROM receiver_event WHERE branch_id = %s AND received_no > %s ORDER BY received_no LIMIT %s
"""


def events_after(branch_id: int, received_no: int, limit: int) -> list[StoredEvent]:
    """The branch's next stored events, in arrival order."""
    with connection.cursor() as cursor:
        cursor.execute(_EVENTS, [branch_id, received_no, limit])
        found = cursor.fetchall()
    # Django has psycopg hand jsonb over as its text (JSONField decodes it): so does this.
    return [StoredEvent(id=i, branch_id=b, received_no=n, seq=q, topic=t, aggregate=a,
                        aggregate_id=k, occurred_at=at,
                        payload=json.loads(p) if isinstance(p, str) else p)
            for i, b, n, q, t, a, k, at, p in found]


# -- tables: how each is read and written --------------------------------------------------


@dataclass(frozen=True)
class _Spec:
    table: str
    key: str
    columns: tuple[tuple[str, str], ...]  # (column, SQL type) besides branch_id and the key
    make: type


def _pk(row: Any) -> int | None:
    return row if row is None or isinstance(row, int) else row.pk


_SPECS = {
    Customer: _Spec("projections_customer", "reference",
                    (("name", "text"), ("phone", "text"), ("phone_digits", "text"),
                     ("email", "text"), ("segment", "text"), ("merged_into", "text"),
                     ("seq", "bigint")), Customer),
    Product: _Spec("projections_product", "sku",
                   (("name", "text"), ("gtin", "text"), ("brand", "text"), ("category", "text"),
                    ("list_price_minor", "bigint"), ("currency", "text"), ("locale", "text"),
                    ("policy_ref", "text"), ("serial_required", "boolean"),
                    ("described", "boolean"), ("supplier", "text"), ("seq", "bigint")), Product),
    Warranty: _Spec("projections_warranty", "code",
                    (("serial", "text"), ("product_id", "bigint"), ("customer_id", "bigint"),
                     ("invoice", "text"), ("status", "text"), ("start_on", "date"),
                     ("end_on", "date"), ("void_reason", "text"), ("replaced_by", "text"),
                     ("category", "text"), ("price_minor", "bigint"), ("policy_ref", "text"),
                     ("awaits_delivery", "boolean"), ("delivered_on", "date"),
                     ("sale_channel", "text"), ("sold_on", "date"), ("seq", "bigint")),
                    Warranty),
    Claim: _Spec("projections_claim", "number",
                 (("warranty_id", "bigint"), ("customer_id", "bigint"), ("state", "text"),
                  ("outcome", "text"), ("channel", "text"), ("claim_type", "text"),
                  ("fault", "text"), ("serial", "text"), ("opened_at", "timestamptz"),
                  ("decision_reason", "text"), ("proof_status", "text"), ("external_ref", "text"),
                  ("owner", "text"), ("backup", "text"), ("opened_by", "text"), ("sku", "text"),
                  ("closed_at", "timestamptz"), ("promised_on", "date"),
                  ("refund_minor", "bigint"), ("approver_role", "text"),
                  ("approver_limit_minor", "bigint"), ("seq", "bigint")),
                 Claim),
}
# Rows that point at other rows: the column and the attribute holding the row.
_POINTERS = {"product_id": "product", "customer_id": "customer", "warranty_id": "warranty"}


def _value(row: Any, column: str) -> Any:
    attribute = _POINTERS.get(column)
    value = _pk(getattr(row, attribute)) if attribute else getattr(row, column)
    return value.isoformat() if isinstance(value, date | datetime) else value


def _json(rows: Iterable[dict[str, Any]]) -> str:
    return json.dumps(list(rows), ensure_ascii=False, default=str)


class _Table:
    """The rows of one read model by natural key: loaded, looked up once, or made here."""

    def __init__(self, kind: type, branch_id: int) -> None:
        self.spec, self.branch_id = _SPECS[kind], branch_id
        self.rows: dict[str, Any] = {}
        self.absent: set[str] = set()
        self.changed: dict[str, Any] = {}

    def load(self, keys: set[str]) -> None:
        wanted = keys - self.rows.keys() - self.absent
        if not wanted:
            return
        spec = self.spec
        names = [c for c, _ in spec.columns]
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT id, {spec.key}, {', '.join(names)} FROM {spec.table} "
                           f"WHERE branch_id = %s AND {spec.key} = ANY(%s)",
                           [self.branch_id, list(wanted)])
            found = cursor.fetchall()
        attributes = [_POINTERS.get(name, name) for name in names]
        for pk, key, *values in found:
            row = spec.make(key, pk)
            for attribute, value in zip(attributes, values, strict=True):
                setattr(row, attribute, value)  # a pointer stays the id it was
            self.rows[key] = row
        self.absent |= wanted - self.rows.keys()

    def get(self, key: str) -> Any:
        if key not in self.rows:
            self.load({key})
        if key not in self.rows:
            self.rows[key] = self.changed[key] = self.spec.make(key)
        return self.rows[key]

    def flush(self) -> None:
        if not self.changed:
            return
        spec = self.spec
        names = [c for c, _ in spec.columns]
        rows = _json({spec.key: key, **{c: _value(row, c) for c in names}}
                     for key, row in self.changed.items())
        record = ", ".join(f"{c} {t}" for c, t in ((spec.key, "text"), *spec.columns))
        sql = (f"INSERT INTO {spec.table} (branch_id, {spec.key}, {', '.join(names)}) "
               f"SELECT %s, r.{spec.key}, {', '.join(f'r.{c}' for c in names)} "
               f"FROM jsonb_to_recordset(%s::jsonb) AS r({record}) "
               f"ON CONFLICT (branch_id, {spec.key}) DO UPDATE SET "
               f"{', '.join(f'{c} = EXCLUDED.{c}' for c in names)} "
               f"RETURNING {spec.key}, id")
        with connection.cursor() as cursor:
            cursor.execute(sql, [self.branch_id, rows])
            for key, pk in cursor.fetchall():
                self.changed[key].pk = pk
        self.changed.clear()


class Books:
    """The rows one branch's run of events reads and changes."""

    def __init__(self, branch_id: int) -> None:
        self.branch_id = branch_id
        self._customers = _Table(Customer, branch_id)
        self._products = _Table(Product, branch_id)
        self._warranties = _Table(Warranty, branch_id)
        self._claims = _Table(Claim, branch_id)
        self._layers: dict[str, list[Layer]] = {}
        self._relayered: dict[str, Warranty] = {}
        self._documents: dict[tuple[str, str, str], dict[str, Any]] = {}
        self._document_claims: dict[tuple[str, str, str], Claim] = {}
        self._timeline: dict[uuid.UUID, tuple[Claim, dict[str, Any]]] = {}
        self._messages: dict[str, tuple[Claim | None, Customer | None, dict[str, Any]]] = {}
        self._by_hand: dict[str, datetime] = {}
        self._merges: dict[str, tuple[Customer, Customer]] = {}

    # -- loading ----------------------------------------------------------------------------

    def load(self, events: Iterable[StoredEvent]) -> None:
        """Read every row these events name, one query per table."""
        keys: dict[str, set[str]] = {"customer": set(), "product": set(), "warranty": set(),
                                     "claim": set()}
        fields = {"customer": ("reference", "customer", "merged_into", "merged_from"),
                  "product": ("sku",),
                  "warranty": ("code", "warranty", "old", "new"), "claim": ("number", "claim")}
        for event in events:
            if event.aggregate == "brand_claim":
                continue  # written by its handler at once; its `number` is no claim's
            payload = event.payload if isinstance(event.payload, dict) else {}
            for kind, names in fields.items():
                keys[kind].update(text(payload[n], 64) for n in names if payload.get(n))
            if event.aggregate in keys and event.aggregate_id:
                keys[event.aggregate].add(text(event.aggregate_id, 64))
            skus = payload.get("skus")
            if isinstance(skus, list):
                keys["product"].update(text(s, 64) for s in skus if s)
        self._customers.load(keys["customer"])
        self._products.load(keys["product"])
        self._warranties.load(keys["warranty"])
        self._claims.load(keys["claim"])

    # -- rows by key, made bare when their own event is still to come ------------------------

    def customer(self, reference: object) -> Customer | None:
        """The branch's customer by reference, or None when there is no reference."""
        if not reference:
            return None
        found: Customer = self._customers.get(text(reference, 64))
        return found

    def holder(self, reference: object) -> Customer | None:
        """Who holds what points at this reference now: the customer, or the one the branch
        merged them into (so an event naming a merged duplicate never splits the person)."""
        found = self.customer(reference)
        seen: set[str] = set()
        while found is not None and found.merged_into and found.reference not in seen:
            seen.add(found.reference)
            found = self.customer(found.merged_into)
        return found

    def merge(self, dropped: Customer, kept: Customer) -> None:
        """The branch merged `dropped` into `kept`: at flush, every row of the one is the
        other's. Idempotent, and whichever of the pair's two events comes first does it."""
        kept = self.holder(kept.reference) or kept
        if kept is dropped:
            return
        if dropped.merged_into != kept.reference:
            dropped.merged_into = kept.reference
            self.changed(dropped)
        self._merges[dropped.reference] = (dropped, kept)

    def product(self, sku: object, name: object = None) -> Product | None:
        """The branch's product by SKU, named when an event names it."""
        if not sku:
            return None
        found: Product = self._products.get(text(sku, 64))
        if name and found.name != text(name):
            found.name = text(name)
            self._products.changed[found.sku] = found
        return found

    def warranty(self, code: object) -> Warranty:
        """The warranty by code."""
        found: Warranty = self._warranties.get(text(code, 64))
        return found

    def claim(self, number: object) -> Claim:
        """The claim by number."""
        found: Claim = self._claims.get(text(number, 64))
        return found

    def changed(self, row: Customer | Product | Warranty | Claim) -> None:
        """A row whose fields a handler set."""
        if isinstance(row, Customer):
            self._customers.changed[row.reference] = row
        elif isinstance(row, Product):
            self._products.changed[row.sku] = row
        elif isinstance(row, Warranty):
            self._warranties.changed[row.code] = row
        else:
            self._claims.changed[row.number] = row

    # -- what hangs off the rows -------------------------------------------------------------

    def layers(self, warranty: Warranty) -> list[Layer]:
        """The warranty's layers in order (read once from the database)."""
        if warranty.code not in self._layers:
            found: list[Layer] = []
            if warranty.pk is not None:
                with connection.cursor() as cursor:
                    cursor.execute("SELECT kind, start_on, end_on, plan FROM "
                                   "projections_warrantylayer WHERE warranty_id = %s "
                                   "ORDER BY position", [warranty.pk])
                    found = [Layer(*row) for row in cursor.fetchall()]
            self._layers[warranty.code] = found
        return list(self._layers[warranty.code])

    def set_layers(self, warranty: Warranty, layers: list[Layer]) -> None:
        """Replace the warranty's layers."""
        self._layers[warranty.code] = layers
        self._relayered[warranty.code] = warranty

    def document(self, claim: Claim, sha256: str, kind: str, *, media_type: str = "",
                 size: int = 0) -> None:
        """A document the claim carries; the first word on it stands."""
        key = (claim.number, sha256, kind)
        if key not in self._documents:
            self._documents[key] = {"sha256": sha256, "kind": kind, "media_type": media_type,
                                    "size": size}
            self._document_claims[key] = claim

    def timeline(self, claim: Claim, event: StoredEvent, from_state: str = "",
                 to_state: str = "") -> None:
        """The event's line on the claim's timeline (once, by the event's id)."""
        self._timeline.setdefault(event.id, (claim, {
            "event_id": str(event.id), "seq": event.seq,
            "occurred_at": event.occurred_at.isoformat(), "topic": event.topic,
            "details": event.payload, "from_state": from_state, "to_state": to_state}))

    def message(self, message_id: str, claim: Claim | None, customer: Customer | None,
                **fields: Any) -> None:
        """A message queued for a customer; the first word on it stands."""
        if message_id not in self._messages:
            self._messages[message_id] = (claim, customer, {"message_id": message_id, **fields})

    def by_hand(self, message_id: str, at: datetime) -> None:
        """The branch gave the customer a message on paper (its first such word stands)."""
        self._by_hand.setdefault(message_id, at)

    # -- writing ----------------------------------------------------------------------------

    def flush(self) -> None:
        """Write every change: parents before the rows that point at them."""
        relayered_before = [w.pk for w in self._relayered.values() if w.pk is not None]
        self._customers.flush()
        self._products.flush()
        self._warranties.flush()
        self._claims.flush()
        with connection.cursor() as cursor:
            if relayered_before:
                cursor.execute("DELETE FROM projections_warrantylayer WHERE warranty_id = "
                               "ANY(%s)", [relayered_before])
            layers = [{"w": warranty.pk, "p": i, "k": layer.kind, "s": layer.start_on,
                       "e": layer.end_on, "plan": layer.plan}
                      for code, warranty in self._relayered.items()
                      for i, layer in enumerate(self._layers[code])]
            if layers:
                cursor.execute(
                    "INSERT INTO projections_warrantylayer (warranty_id, position, kind, "
                    "start_on, end_on, plan) SELECT r.w, r.p, r.k, r.s, r.e, r.plan FROM "
                    "jsonb_to_recordset(%s::jsonb) AS r(w bigint, p int, k text, s date, "
                    "e date, plan text)", [_json(layers)])
            if self._documents:
                cursor.execute(
                    "INSERT INTO projections_claimdocument (claim_id, sha256, kind, media_type,"
                    " size) SELECT r.claim_id, r.sha256, r.kind, r.media_type, r.size FROM "
                    "jsonb_to_recordset(%s::jsonb) AS r(claim_id bigint, sha256 text, kind "
                    "text, media_type text, size bigint) ON CONFLICT DO NOTHING",
                    [_json({**d, "claim_id": self._document_claims[k].pk}
                           for k, d in self._documents.items())])
            if self._timeline:
                cursor.execute(
                    "INSERT INTO projections_claimevent (claim_id, event_id, seq, occurred_at,"
                    " topic, from_state, to_state, details) SELECT r.claim_id, r.event_id, "
                    "r.seq, r.occurred_at, r.topic, r.from_state, r.to_state, r.details FROM "
                    "jsonb_to_recordset(%s::jsonb) AS r(claim_id bigint, event_id uuid, seq "
                    "bigint, occurred_at timestamptz, topic text, from_state text, to_state "
                    "text, details jsonb) ON CONFLICT (event_id) DO NOTHING",
                    [_json({**line, "claim_id": claim.pk}
                           for claim, line in self._timeline.values())])
            if self._messages:
                cursor.execute(
                    "INSERT INTO projections_message (branch_id, message_id, claim_id, "
                    "customer_id, template, subject, body, queued_at) SELECT %s, r.message_id,"
                    " r.claim_id, r.customer_id, r.template, r.subject, r.body, r.queued_at "
                    "FROM jsonb_to_recordset(%s::jsonb) AS r(message_id text, claim_id bigint,"
                    " customer_id bigint, template text, subject text, body text, queued_at "
                    "timestamptz) ON CONFLICT (branch_id, message_id) DO NOTHING",
                    [self.branch_id, _json({**m, "claim_id": _pk(claim),
                                            "customer_id": _pk(customer)}
                                           for claim, customer, m in self._messages.values())])
            if self._by_hand:  # after the messages, which may be in the same batch
                cursor.execute(
                    "UPDATE projections_message m SET by_hand_at = r.at FROM "
                    "jsonb_to_recordset(%s::jsonb) AS r(message_id text, at timestamptz) "
                    "WHERE m.branch_id = %s AND m.message_id = r.message_id "
                    "AND m.by_hand_at IS NULL",
                    [_json({"message_id": k, "at": v} for k, v in self._by_hand.items()),
                     self.branch_id])
            # Last, after every row this run wrote (some may still name the duplicate), and in
            # the order the branch merged (a chain of merges ends at its last customer). A
            # claim's documents and timeline hang off the claim and move with it.
            for dropped, kept in self._merges.values():
                for table in ("projections_warranty", "projections_claim",
                              "projections_message"):
                    cursor.execute(f"UPDATE {table} SET customer_id = %s "
                                   "WHERE branch_id = %s AND customer_id = %s",
                                   [kept.pk, self.branch_id, dropped.pk])
