"""The triggers that mark a brand claim's recovery rows stale (models.RecoveryStale) whenever
something they are worked out from changes, in the same transaction as the change.

What a claim's supplier owes comes from the brand claim (supplier, day lodged), its items and
their order, the claims (day opened, number), each claim's sale day, its recoverable costs,
the brand claim's settlements, the suppliers' terms and the shop's time zone (days are shop
days). The terms and the zone touch every brand claim, so a change to them marks them all.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

from warranty_desk.storage.rollups import install_triggers

_UPSERT = "ON CONFLICT (brand_claim_id) DO NOTHING;"


def _mark(ids: str) -> str:
    """Mark the brand claims a SELECT of a column named id finds (a plain INSERT OR IGNORE
    would take the conflict policy of the statement that fired the trigger)."""
    # The WHERE tells SQLite's parser the ON CONFLICT is the INSERT's, not a join's.
    return (f"INSERT INTO recovery_stale (brand_claim_id) SELECT DISTINCT x.id FROM ({ids}) "
            f"AS x WHERE true {_UPSERT}")


def _of_claim(claim: str) -> str:
    return _mark(f"SELECT brand_claim_id AS id FROM brand_claim_items WHERE claim_id = {claim}")


def _one(brand_claim: str) -> str:
    return f"INSERT INTO recovery_stale (brand_claim_id) VALUES ({brand_claim}) {_UPSERT}"


_ALL = _mark("SELECT id FROM brand_claims")
_OF_SALE = _mark("SELECT i.brand_claim_id AS id FROM brand_claim_items i JOIN claims c "
                 "ON c.id = i.claim_id JOIN warranties w ON w.id = c.warranty_id "
                 "JOIN invoice_lines l ON l.id = w.invoice_line_id WHERE l.sale_id = NEW.id")


def _triggers() -> Iterator[tuple[str, str, str]]:
    """(name, event, body) of every marking trigger."""
    yield "brand_insert", "AFTER INSERT ON brand_claims", _one("NEW.id")
    yield "brand_update", "AFTER UPDATE OF id, supplier, submitted_at ON brand_claims", \
        _one("OLD.id") + "\n" + _one("NEW.id")
    yield "brand_delete", "AFTER DELETE ON brand_claims", \
        "DELETE FROM recovery_rollups WHERE brand_claim_id = OLD.id;\n" + \
        "DELETE FROM recovery_stale WHERE brand_claim_id = OLD.id;"
    for event, rows in (("insert", ("NEW",)), ("update", ("OLD", "NEW")), ("delete", ("OLD",))):
        yield f"items_{event}", f"AFTER {event.upper()} ON brand_claim_items", \
            "\n".join(_one(f"{row}.brand_claim_id") for row in rows)
        yield f"settlements_{event}", f"AFTER {event.upper()} ON settlements", \
            "\n".join(_one(f"{row}.brand_claim_id") for row in rows)
        yield f"costs_{event}", f"AFTER {event.upper()} ON cost_postings", \
            "\n".join(_of_claim(f"{row}.claim_id") for row in rows)
    yield "claims_update", "AFTER UPDATE OF id, opened_at, number, warranty_id ON claims", \
        _of_claim("OLD.id") + "\n" + _of_claim("NEW.id")
    yield "warranties_line", "AFTER UPDATE OF invoice_line_id ON warranties", _mark(
        "SELECT i.brand_claim_id AS id FROM brand_claim_items i JOIN claims c ON c.id = i.claim_id "
        "WHERE c.warranty_id = NEW.id")
    yield "lines_sale", "AFTER UPDATE OF sale_id ON invoice_lines", _ALL
    yield "sales_day", "AFTER UPDATE OF sold_on ON sales", _OF_SALE
    for event in ("INSERT", "UPDATE", "DELETE"):
        yield f"terms_{event.lower()}", f"AFTER {event} ON supplier_terms", _ALL
    yield "shop_zone", "AFTER UPDATE OF timezone ON shop", _ALL


def trigger_names() -> list[str]:
    """The names the triggers are installed under."""
    return [f"recovery_{name}" for name, _, _ in _triggers()]


def install(execute: Callable[[str], object]) -> None:
    """Create (or create again) every marking trigger."""
    install_triggers("recovery", _triggers(), execute)
