"""Erasing a customer's parties in Tryton on customer.erased: the pseudonym, no contact details.

An active party stays, named by the pseudonym the till and head office use, with its code and
the reference identifiers: later events still find it, and its notes keep the warranty and
claim history the till keeps too. Its contact mechanisms, addresses and other identifiers are
deleted (where another record still points at one and Tryton refuses, it is archived and its
words replaced by "****", as Tryton's own Erase wizard does), and the customer's words are
scrubbed from its notes the same way the till scrubs its own text (warranty_desk.rules.erasure).

An archived party (merged away by Tryton's Replace wizard, or archived by staff) is read-only
to every caller, so Tryton's Erase wizard (party.erase), made for it, erases it: it blanks the
name, turns the party's identifiers and contact values into "****" and deletes its notes.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from sync.crm.jsonrpc import TrytonRpc, TrytonUserError
from warranty_desk.rules.erasure import Words, scrub_text

# Every query sees archived records too: an archived party or address still names someone.
ALL = {"active_test": False}
ERASED = "****"  # Tryton's own filler for an erased value that cannot be empty
# What an address holds of a person in Tryton 8 (the fields party.erase clears).
ADDRESS_FIELDS = ("party_name", "attn", "street_unstructured", "street_name", "building_name",
                  "building_number", "unit_number", "floor_number", "room_number", "post_box",
                  "private_bag", "post_office", "postal_code", "city", "country",
                  "subdivision")
_TEXT_FIELDS = ("party_name", "attn", "street_unstructured", "street_name", "building_name",
                "building_number", "postal_code", "city")
_PHONE_TYPES = ("phone", "mobile", "fax")
# A party merged in Tryton points at its survivor; a short chain is plenty.
_MAX_HOPS = 5


def parties_of(rpc: TrytonRpc, references: Sequence[str]) -> list[int]:
    """Every party keyed by these references, with the parties merged into them or they into."""
    found = set(rpc.model("party.party", "search",
                          ["OR", ("code", "in", list(references)),
                           ("identifiers.code", "in", list(references))],
                          0, None, None, context=ALL))
    for _ in range(_MAX_HOPS):
        if not found:
            break
        rows = rpc.model("party.party", "search_read",
                         ["OR", ("id", "in", sorted(found)), ("replaced_by", "in", sorted(found))],
                         0, None, None, ["replaced_by"], context=ALL)
        more = {int(r["id"]) for r in rows} | {int(r["replaced_by"]) for r in rows
                                                if r["replaced_by"]}
        if more <= found:
            break
        found |= more
    return sorted(int(i) for i in found)


def erase_parties(rpc: TrytonRpc, party_ids: list[int], references: Sequence[str],
                  pseudonym: str, drop_categories: Iterable[int] = ()) -> bool:
    """Erase the personal data of these parties; False when none was left to erase."""
    parties = rpc.model("party.party", "read", party_ids, ["name", "categories", "active"],
                        context=ALL)
    mechanisms = rpc.model("party.contact_mechanism", "search_read",
                           [("party", "in", party_ids)], 0, None, None,
                           ["type", "value", "value_compact", "name", "party", "active"],
                           context=ALL)
    addresses = [a for a in rpc.model("party.address", "search_read",
                                      [("party", "in", party_ids)], 0, None, None,
                                      [*_TEXT_FIELDS, "party", "active"], context=ALL)
                 if any(a[k] for k in _TEXT_FIELDS)]  # a blank one names no one
    identifiers = rpc.model("party.identifier", "search_read",
                            [("party", "in", party_ids), ("code", "not in", list(references))],
                            0, None, None, ["code", "party", "active"], context=ALL)
    words = _words_of(references[0], parties, mechanisms, addresses, references, pseudonym)
    active = [p for p in parties if p["active"]]
    kept = {int(p["id"]) for p in active}
    # The notes first: they are scrubbed with the words the party still holds.
    changed = _scrub_notes(rpc, sorted(kept), words)
    changed = _remove(rpc, "party.contact_mechanism", _on(mechanisms, kept), {
        "type": "other", "value": ERASED, "name": None, "comment": None}) or changed
    changed = _remove(rpc, "party.address", _on(addresses, kept),
                      dict.fromkeys(ADDRESS_FIELDS)) or changed
    changed = _remove(rpc, "party.identifier", _on(identifiers, kept),
                      {"type": None, "code": ERASED}) or changed
    drop = set(drop_categories)
    for party in active:
        values: dict[str, Any] = {}
        if party["name"] != pseudonym:
            values["name"] = pseudonym
        if drop & set(party["categories"]):
            values["categories"] = [("remove", sorted(drop & set(party["categories"])))]
        if values:
            rpc.model("party.party", "write", [party["id"]], values)
            changed = True
    for party in parties:
        # An archived party is read-only to every caller (one merged away cannot even be
        # brought back): Tryton's own Erase wizard is made for it. It blanks the name,
        # scrubs what the party held and deletes its notes; the code stays.
        if not party["active"] and party["name"]:
            _erase_archived(rpc, int(party["id"]))
            changed = True
    return changed


def _on(rows: list[dict[str, Any]], parties: set[int]) -> list[dict[str, Any]]:
    return [r for r in rows if int(r["party"]) in parties]


def _erase_archived(rpc: TrytonRpc, party_id: int) -> None:
    session, _, _ = rpc.call("wizard.party.erase.create", {})
    try:
        rpc.call("wizard.party.erase.execute", session, {"ask": {"party": party_id}}, "erase",
                 {})
    finally:
        rpc.call("wizard.party.erase.delete", session, {})


def _words_of(reference: str, parties: list[dict[str, Any]], mechanisms: list[dict[str, Any]],
              addresses: list[dict[str, Any]], references: Sequence[str],
              pseudonym: str) -> Words:
    """The customer's words as Tryton holds them (Tryton writes a phone its own way)."""
    keys = set(references) | {pseudonym, ERASED}
    names = {str(p["name"] or "") for p in parties} | {str(m["name"] or "") for m in mechanisms}
    phones = {str(m[k] or "") for m in mechanisms if m["type"] in _PHONE_TYPES
              for k in ("value", "value_compact")}
    emails = {str(m["value"] or "") for m in mechanisms if m["type"] == "email"}
    others = {str(m["value"] or "") for m in mechanisms
              if m["type"] not in _PHONE_TYPES and m["type"] != "email"}
    said = {str(a[k] or "") for a in addresses for k in _TEXT_FIELDS}
    return Words.of(reference, names=(names | others) - keys, phones=phones - keys,
                    emails=emails - keys, addresses=said - keys)


def _scrub_notes(rpc: TrytonRpc, party_ids: list[int], words: Words) -> bool:
    notes = rpc.model("ir.note", "search_read",
                      [("resource", "in", [f"party.party,{i}" for i in party_ids])],
                      0, None, [("id", "ASC")], ["message", "resource"])
    changed = False
    for note in notes:
        message = str(note["message"] or "")
        scrubbed = scrub_text(message, words)
        if scrubbed == message:
            continue
        # Tryton 8 refuses to change a saved note's message: the note is replaced, its day
        # (written at its start) and its event tag kept.
        rpc.model("ir.note", "delete", [note["id"]])
        rpc.model("ir.note", "create", [{"resource": note["resource"], "message": scrubbed}])
        changed = True
    return changed


def _remove(rpc: TrytonRpc, model: str, rows: list[dict[str, Any]],
            scrubbed: dict[str, Any]) -> bool:
    """Delete the rows; one Tryton will not delete (something points at it) is archived and
    scrubbed instead."""
    changed = False
    for row in rows:
        if row.get("value") == ERASED or row.get("code") == ERASED:
            continue  # archived and scrubbed by an earlier erasure
        try:
            rpc.model(model, "delete", [row["id"]])
        except TrytonUserError:
            if not row["active"]:
                # Archived, it is read-only: brought back for the one write that scrubs it.
                rpc.model(model, "write", [row["id"]], {"active": True})
            rpc.model(model, "write", [row["id"]], {**scrubbed, "active": False})
        changed = True
    return changed
