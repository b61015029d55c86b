"""Where a customer's personal data lies in the till's tables, and scrubbing it row by row.

Only rows tied to the customer (theirs, their claims', their warranties', or an event or entry
naming one of them) are touched: another customer of the same name keeps every word. JSON
columns are scrubbed value by value (rules/erasure.scrub), so they stay valid JSON and an
event reads as head office scrubs its own copy.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from sqlalchemy import text
from sqlalchemy.orm import Session

from warranty_desk.rules.erasure import Words, mentions, scrub_json_text, scrub_text

_CLAIMS = "SELECT id FROM claims WHERE customer_id = :cid"


@dataclass(frozen=True, slots=True)
class Holding:
    """One table's columns that may hold a customer's words, and which rows are theirs."""

    table: str
    key: tuple[str, ...]
    columns: tuple[str, ...]
    theirs: str  # SQL condition over :cid (the customer's id) and :linked (a JSON list)
    json_columns: tuple[str, ...] = ()


_LINKED = "(SELECT value FROM json_each(:linked))"
HOLDINGS: tuple[Holding, ...] = (
    Holding("customer_messages", ("id",), ("subject", "body", "reason", "server_id"),
            f"customer_id = :cid OR claim_id IN ({_CLAIMS})"),
    Holding("claims", ("id",), ("fault", "accessories", "condition", "decision_reason",
                                "claimant_name", "claimant_phone", "claimed_purchase"),
            "customer_id = :cid", ("claimed_purchase",)),
    Holding("claim_events", ("claim_id", "id"), ("reason",), f"claim_id IN ({_CLAIMS})"),
    Holding("evidence_documents", ("claim_id", "id"), ("original_name",),
            f"claim_id IN ({_CLAIMS})"),
    Holding("hand_backs", ("id",), ("collected_by", "on_behalf_proof", "condition"),
            f"claim_id IN ({_CLAIMS})"),
    Holding("complaints", ("id",), ("text", "resolution"), "customer_id = :cid"),
    Holding("retention_follow_ups", ("id",), ("reason", "note"), "customer_id = :cid"),
    Holding("exception_notes", ("id",), ("text",), f"record_ref IN {_LINKED}"),
    Holding("warranties", ("id",), ("void_reason",), "customer_id = :cid"),
    Holding("outbox_events", ("seq",), ("payload",),
            f"aggregate_id IN {_LINKED} OR instr(payload, :ref) > 0", ("payload",)),
    Holding("sync_parked", ("destination", "event_seq"), ("reason",),
            f"aggregate_id IN {_LINKED}"),
    Holding("inbox_applied", ("item_id",), ("result", "handled_note"),
            f"result IN {_LINKED} OR instr(result, :ref) > 0"),
)


def linked_ids(session: Session, customer_id: bytes, reference: str) -> list[str]:
    """The ids events and notes name the customer's records by: their reference, claim numbers
    and ids, warranty codes and ids, invoice numbers, message ids."""
    found = [reference]
    for sql in ("SELECT number, id FROM claims WHERE customer_id = :cid",
                "SELECT code, id FROM warranties WHERE customer_id = :cid",
                "SELECT invoice_number, id FROM sales WHERE customer_id = :cid",
                "SELECT id, id FROM customer_messages WHERE customer_id = :cid"):
        for key, row_id in session.execute(text(sql), {"cid": customer_id}):
            found += [str(key) if isinstance(key, str) else bytes(key).hex(),
                      bytes(row_id).hex()]
    return sorted(set(found))


def scrub_rows(session: Session, holding: Holding, words: Words, customer_id: bytes,
               reference: str, linked: list[str]) -> int:
    """Scrub one table's rows of the customer; how many rows changed."""
    cols = ", ".join(holding.key + holding.columns)
    rows = session.execute(text(f"SELECT {cols} FROM {holding.table} WHERE {holding.theirs}"),
                           {"cid": customer_id, "ref": reference, "linked": json.dumps(linked)})
    changed = 0
    width = len(holding.key)
    for row in rows.all():
        key, values = row[:width], row[width:]
        updates: dict[str, object] = {}
        for column, value in zip(holding.columns, values, strict=True):
            if not isinstance(value, str) or not mentions_any(value, words):
                continue
            after = (scrub_json_text(value, words, sort_keys=True, ensure_ascii=False)
                     if column in holding.json_columns else scrub_text(value, words))
            if after != value:
                updates[column] = after
        if updates:
            sets = ", ".join(f"{c} = :set_{c}" for c in updates)
            where = " AND ".join(f"{k} = :key_{k}" for k in holding.key)
            session.execute(text(f"UPDATE {holding.table} SET {sets} WHERE {where}"), {
                **{f"set_{c}": v for c, v in updates.items()},
                **{f"key_{k}": v for k, v in zip(holding.key, key, strict=True)}})
            changed += 1
    return changed


def mentions_any(value: str, words: Words) -> bool:
    """Whether stored text holds the words, as typed or as JSON escapes them."""
    return mentions(value, words) or any(
        json.dumps(v, ensure_ascii=False)[1:-1] in value for v in words.searchable())


def print_jobs(session: Session, words: Words, linked: list[str]) -> int:
    """Print jobs of the customer's records whose bytes name them: the bytes go (a queued one
    is cancelled; it can be printed again from the record, which names the pseudonym)."""
    count = 0
    rows = session.execute(text(
        f"SELECT id, payload FROM print_jobs WHERE subject IN {_LINKED} AND payload IS NOT NULL"),
        {"linked": json.dumps(linked)}).all()
    for job_id, payload in rows:
        raw = bytes(payload)
        if any(v.encode() in raw for v in words.searchable()):
            session.execute(text(
                "UPDATE print_jobs SET payload = NULL, state = CASE state WHEN 'queued' "
                "THEN 'cancelled' ELSE state END WHERE id = :id"), {"id": job_id})
            count += 1
    return count


def rebuild_search(session: Session) -> None:
    """Merge the customer search index's segments, so tokens of the erased words (kept in an
    older segment until a merge) are gone from the file."""
    session.execute(text("INSERT INTO customers_fts(customers_fts) VALUES('optimize')"))
