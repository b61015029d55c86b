"""The SQL that keeps the dashboard's roll-ups (models.metric_rollup): triggers on every table
they come from, so each write changes them in its own transaction, and a rebuild from scratch.

One definition per roll-up row serves both: a claim's row is always the same SELECT over its
claim, events, costs and sale, run again whenever one of those changes; a warranty counts +1
in its day's group and -1 in the group it left. The migration that made them (0026) installs
them; a later migration that rebuilds one of the tables (batch_alter_table copies a table and
drops its triggers) must call install() again. A bulk insert of warranties stands in for
their insert trigger, counting its rows set-based at the end with the same expressions.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager

from warranty_desk.rules.metrics.costs import ALL_KINDS

# str.strip()'s whitespace (metric_rows.SERIAL_BLANKS), as SQL: tab, LF, VT, FF, CR, space.
_BLANKS = "char(9, 10, 11, 12, 13, 32)"
_KINDS = ", ".join(f"'{k}'" for k in ALL_KINDS)
# The stock movements into and out of returns stock (services.returns' _IN and _OUT; a test
# holds them equal: storage sits below the services and cannot import them).
RETURNS_KINDS = ("return_in", "back_from_supplier", "to_supplier", "scrap", "handed_back")
_MOVES = ", ".join(f"'{k}'" for k in RETURNS_KINDS)


def _cost(kind: str | None) -> str:
    which = f"p.kind = '{kind}'" if kind else f"p.kind NOT IN ({_KINDS})"
    return (f"(SELECT coalesce(sum(p.amount_minor), 0) FROM cost_postings p "
            f"WHERE p.claim_id = c.id AND {which})")


_CLAIM_COLUMNS = ("claim_id, opened_at, closed_at, state, outcome, promised_on, handed_at, "
                  "rejected_event, reopened, product_id, branch_code, staff_id, customer_id, "
                  "returns_kind, returns_at, "
                  + ", ".join(f"cost_{k}" for k in (*ALL_KINDS, "other")))


def _last_move(column: str) -> str:
    return (f"(SELECT m.{column} FROM stock_movements m WHERE m.claim_id = c.id AND m.kind IN "
            f"({_MOVES}) ORDER BY m.at DESC, m.id DESC LIMIT 1)")


def _claim_rows(where: str) -> str:
    """INSERT of the roll-up rows of the claims `where` picks (over claims c)."""
    costs = ", ".join(_cost(k) for k in (*ALL_KINDS, None))
    return f"""INSERT INTO claim_rollups ({_CLAIM_COLUMNS})
SELECT c.id, c.opened_at, c.closed_at, c.state, c.outcome, c.promised_on,
 (SELECT min(e.at) FROM claim_events e WHERE e.claim_id = c.id AND e.kind = 'handed_over'),
 EXISTS (SELECT 1 FROM claim_events e WHERE e.claim_id = c.id AND e.to_state = 'rejected'),
 EXISTS (SELECT 1 FROM claim_events e WHERE e.claim_id = c.id AND e.kind = 'reopened'),
 c.product_id,
 (SELECT s.branch_code FROM warranties w JOIN invoice_lines l ON l.id = w.invoice_line_id
  JOIN sales s ON s.id = l.sale_id WHERE w.id = c.warranty_id),
 c.opened_by_id, c.customer_id, {_last_move("kind")}, {_last_move("at")}, {costs}
FROM claims c WHERE {where};"""


def _claim_again(claim: str) -> str:
    """A claim's row made again (deleted first: a REPLACE inside a trigger would take the
    conflict policy of the statement that fired it, INSERT OR IGNORE keeping the old row)."""
    return (f"DELETE FROM claim_rollups WHERE claim_id = {claim};\n"
            + _claim_rows(f"c.id = {claim}"))


_GROUP = "sold_on, product_id, branch_code, staff_key, gap, void"
_UPSERT = f"ON CONFLICT ({_GROUP}) DO UPDATE SET count = count + excluded.count;"


def _gap(serial: str) -> str:
    return f"trim(coalesce({serial}, ''), {_BLANKS}) = ''"


def _sold(w: str, sign: str) -> str:
    """Count the warranty `w` (NEW or OLD) `sign`1 in its group."""
    return f"""INSERT INTO sale_rollups ({_GROUP}, count)
SELECT s.sold_on, {w}.product_id, s.branch_code, coalesce(s.staff_id, x''), {_gap(f"{w}.serial")},
 ({w}.status = 'void' OR s.voided_at IS NOT NULL), {sign}1
FROM invoice_lines l JOIN sales s ON s.id = l.sale_id WHERE l.id = {w}.invoice_line_id
{_UPSERT}"""


def _sale_moved(sale: str, sign: str) -> str:
    """Count every warranty of a sale, with the sale's columns as `sale` (NEW or OLD) has them,
    `sign`1 each in its group."""
    return f"""INSERT INTO sale_rollups ({_GROUP}, count)
SELECT {sale}.sold_on, w.product_id, {sale}.branch_code, coalesce({sale}.staff_id, x''),
 {_gap("w.serial")}, (w.status = 'void' OR {sale}.voided_at IS NOT NULL), {sign}count(*)
FROM invoice_lines l JOIN warranties w ON w.invoice_line_id = l.id WHERE l.sale_id = {sale}.id
GROUP BY 1, 2, 3, 4, 5, 6 {_UPSERT}"""


_BOUGHT_UPSERT = "ON CONFLICT (customer_id, sold_on) DO UPDATE SET count = count + excluded.count;"


def _bought(w: str, sign: str) -> str:
    """Count the warranty `w` (NEW or OLD) `sign`1 on its customer's day, if it counts."""
    return f"""INSERT INTO customer_sale_days (customer_id, sold_on, count)
SELECT {w}.customer_id, s.sold_on, {sign}1
FROM invoice_lines l JOIN sales s ON s.id = l.sale_id WHERE l.id = {w}.invoice_line_id
 AND {w}.customer_id IS NOT NULL AND {w}.status != 'void' AND s.voided_at IS NULL
{_BOUGHT_UPSERT}"""


def _sale_bought(sale: str, sign: str) -> str:
    """Count a sale's warranties, as `sale` (NEW or OLD) has its day and voiding, `sign`1 each
    on their customers' days."""
    return f"""INSERT INTO customer_sale_days (customer_id, sold_on, count)
SELECT w.customer_id, {sale}.sold_on, {sign}count(*)
FROM invoice_lines l JOIN warranties w ON w.invoice_line_id = l.id WHERE l.sale_id = {sale}.id
 AND w.customer_id IS NOT NULL AND w.status != 'void' AND {sale}.voided_at IS NULL
GROUP BY 1, 2 {_BOUGHT_UPSERT}"""


def _span(w: str, sign: str) -> str:
    """Count the warranty `w` (NEW or OLD), unless void, `sign`1 in its product's span."""
    return f"""INSERT INTO warranty_spans (product_id, start_on, end_on, count)
SELECT {w}.product_id, {w}.start_on, {w}.end_on, {sign}1 WHERE {w}.status != 'void'
ON CONFLICT (product_id, start_on, end_on) DO UPDATE SET count = count + excluded.count;"""


# An offer's product, its warranty's (the dashboard's filters test offers by it, not joining
# each of a quarter's offers to its warranty).
_OFFER_PRODUCT = ("(SELECT w.product_id FROM warranties w "
                  "WHERE w.id = extension_offers.warranty_id)")


def _offer_triggers() -> Iterator[tuple[str, str, str]]:
    """An offer's product kept its warranty's: set when the writer left it out (the services
    set it themselves), and moved with a warranty's product or an offer's warranty."""
    yield "offers_insert", "AFTER INSERT ON extension_offers WHEN NEW.product_id IS NULL", (
        f"UPDATE extension_offers SET product_id = {_OFFER_PRODUCT} "
        f"WHERE warranty_id = NEW.warranty_id AND id = NEW.id;")
    yield "offers_update", "AFTER UPDATE OF warranty_id, product_id ON extension_offers", (
        f"UPDATE extension_offers SET product_id = {_OFFER_PRODUCT} "
        f"WHERE warranty_id = NEW.warranty_id AND id = NEW.id "
        f"AND product_id IS NOT {_OFFER_PRODUCT};")
    yield "warranty_product", "AFTER UPDATE OF product_id ON warranties", (
        "UPDATE extension_offers SET product_id = NEW.product_id WHERE warranty_id = NEW.id;")


def offer_trigger_names() -> list[str]:
    """The names the offers' product triggers are installed under."""
    return [f"rollup_{name}" for name, _, _ in _offer_triggers()]


def install_offer_products(execute: Callable[[str], object]) -> None:
    """Create (or create again) the triggers keeping offers' products (migration 0031 on: the
    older migrations that install the other triggers run before the column is there)."""
    install_triggers("rollup", _offer_triggers(), execute)


def rebuild_offer_products(execute: Callable[[str], object]) -> None:
    """Set every offer's product to its warranty's again."""
    execute(f"UPDATE extension_offers SET product_id = {_OFFER_PRODUCT}")


def _triggers() -> Iterator[tuple[str, str, str]]:
    """(name, event, body) of every roll-up trigger."""
    claim_cols = "opened_at, closed_at, state, outcome, promised_on, product_id, warranty_id, " \
                 "opened_by_id, customer_id"
    yield "claims_insert", "AFTER INSERT ON claims", _claim_again("NEW.id")
    yield "claims_update", f"AFTER UPDATE OF id, {claim_cols} ON claims", (
        "DELETE FROM claim_rollups WHERE claim_id = OLD.id;\n" + _claim_again("NEW.id"))
    yield "claims_delete", "AFTER DELETE ON claims", \
        "DELETE FROM claim_rollups WHERE claim_id = OLD.id;"
    # Only the events a figure reads; a changed or removed event may have been one of them.
    yield "events_insert", ("AFTER INSERT ON claim_events WHEN NEW.kind IN ('handed_over', "
                            "'reopened') OR NEW.to_state = 'rejected'"), \
        _claim_again("NEW.claim_id")
    yield "events_update", "AFTER UPDATE ON claim_events", (
        _claim_again("OLD.claim_id") + "\n" + _claim_again("NEW.claim_id"))
    yield "events_delete", "AFTER DELETE ON claim_events", _claim_again("OLD.claim_id")
    yield "costs_insert", "AFTER INSERT ON cost_postings", _claim_again("NEW.claim_id")
    yield "costs_update", "AFTER UPDATE ON cost_postings", (
        _claim_again("OLD.claim_id") + "\n" + _claim_again("NEW.claim_id"))
    yield "costs_delete", "AFTER DELETE ON cost_postings", _claim_again("OLD.claim_id")
    yield "moves_insert", (f"AFTER INSERT ON stock_movements WHEN NEW.claim_id IS NOT NULL "
                           f"AND NEW.kind IN ({_MOVES})"), _claim_again("NEW.claim_id")
    yield "moves_update", "AFTER UPDATE ON stock_movements", (
        _claim_again("OLD.claim_id") + "\n" + _claim_again("NEW.claim_id"))
    yield "moves_delete", "AFTER DELETE ON stock_movements", _claim_again("OLD.claim_id")
    # A claim's branch is its sale's.
    claims_of_sale = ("SELECT w.id FROM invoice_lines l JOIN warranties w "
                      "ON w.invoice_line_id = l.id WHERE l.sale_id = NEW.id")
    yield "sales_branch", "AFTER UPDATE OF branch_code ON sales", (
        f"DELETE FROM claim_rollups WHERE claim_id IN (SELECT id FROM claims "
        f"WHERE warranty_id IN ({claims_of_sale}));\n"
        + _claim_rows(f"c.warranty_id IN ({claims_of_sale})"))
    yield "warranties_line", "AFTER UPDATE OF invoice_line_id ON warranties", (
        "DELETE FROM claim_rollups WHERE claim_id IN (SELECT id FROM claims "
        "WHERE warranty_id = NEW.id);\n" + _claim_rows("c.warranty_id = NEW.id")
        + "\n" + _sold("OLD", "-")
        + "\n" + _sold("NEW", ""))
    yield "warranties_insert", "AFTER INSERT ON warranties", \
        _sold("NEW", "") + "\n" + _bought("NEW", "") + "\n" + _span("NEW", "")
    yield "warranties_update", "AFTER UPDATE OF product_id, serial, status ON warranties", (
        _sold("OLD", "-") + "\n"
        + _sold("NEW", ""))
    yield "warranties_delete", "AFTER DELETE ON warranties", \
        _sold("OLD", "-") + "\n" + _bought("OLD", "-") + "\n" + _span("OLD", "-")
    yield "warranties_bought", ("AFTER UPDATE OF customer_id, status, invoice_line_id "
                                "ON warranties"), _bought("OLD", "-") + "\n" + _bought("NEW", "")
    yield "warranties_span", ("AFTER UPDATE OF product_id, start_on, end_on, status "
                              "ON warranties"), _span("OLD", "-") + "\n" + _span("NEW", "")
    yield "sales_bought", "AFTER UPDATE OF sold_on, voided_at ON sales", (
        _sale_bought("OLD", "-") + "\n" + _sale_bought("NEW", ""))
    yield "sales_sold", "AFTER UPDATE OF sold_on, branch_code, staff_id, voided_at ON sales", (
        _sale_moved("OLD", "-") + "\n" + _sale_moved("NEW", ""))


Triggers = Iterable[tuple[str, str, str]]


def install_triggers(prefix: str, triggers: Triggers, execute: Callable[[str], object]) -> None:
    """Create (or create again) triggers given as (name, event, body), named prefix_name."""
    for name, event, body in triggers:
        execute(f"DROP TRIGGER IF EXISTS {prefix}_{name}")
        execute(f"CREATE TRIGGER {prefix}_{name} {event}\nBEGIN\n{body}\nEND")


def trigger_names() -> list[str]:
    """The names the triggers are installed under."""
    return [f"rollup_{name}" for name, _, _ in _triggers()]


def install(execute: Callable[[str], object]) -> None:
    """Create (or create again) every roll-up trigger."""
    install_triggers("rollup", _triggers(), execute)


_ADDED_FROM = ("FROM warranties w JOIN invoice_lines l ON l.id = w.invoice_line_id "
               "JOIN sales s ON s.id = l.sale_id")


def _added(where: str) -> tuple[str, str, str]:
    """The warranties `where` picks (over warranties w), counted into each roll-up in one
    statement per roll-up: what the insert trigger adds for each of them, group by group.

    The unary + keeps the planner off the customer index: by it, a bulk insert's count
    scanned the whole index (950k entries on the 1M-warranty bench shop, 75 ms more CPU at
    every bulk insert, growing with the shop) instead of the rows above the mark."""
    sold = f"""INSERT INTO sale_rollups ({_GROUP}, count)
SELECT s.sold_on, w.product_id, s.branch_code, coalesce(s.staff_id, x''), {_gap("w.serial")},
 (w.status = 'void' OR s.voided_at IS NOT NULL), count(*)
{_ADDED_FROM} WHERE {where}
GROUP BY 1, 2, 3, 4, 5, 6 {_UPSERT}"""
    bought = f"""INSERT INTO customer_sale_days (customer_id, sold_on, count)
SELECT w.customer_id, s.sold_on, count(*)
{_ADDED_FROM} WHERE {where}
 AND +w.customer_id IS NOT NULL AND w.status != 'void' AND s.voided_at IS NULL
GROUP BY 1, 2 {_BOUGHT_UPSERT}"""
    spans = f"""INSERT INTO warranty_spans (product_id, start_on, end_on, count)
SELECT w.product_id, w.start_on, w.end_on, count(*) FROM warranties w
WHERE {where} AND w.status != 'void' GROUP BY 1, 2, 3
ON CONFLICT (product_id, start_on, end_on) DO UPDATE SET count = count + excluded.count;"""
    return sold, bought, spans


def rebuild(execute: Callable[[str], object]) -> None:
    """Fill every roll-up again from the rows it comes from."""
    execute("DELETE FROM claim_rollups")
    execute(_claim_rows("1").rstrip(";"))
    for table in ("sale_rollups", "customer_sale_days", "warranty_spans"):
        execute(f"DELETE FROM {table}")
    for statement in _added("1"):
        execute(statement)


# The row trigger a bulk insert of warranties stands in for (warranties_counted_at_end).
_INSERT_TRIGGER = "rollup_warranties_insert"


def _trigger_sql(conn: sqlite3.Connection) -> str | None:
    """The insert trigger's stored text; None while it is not there."""
    found = conn.execute("SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = ?",
                         (_INSERT_TRIGGER,)).fetchone()
    return None if found is None else str(found[0])


@contextmanager
def warranties_counted_at_end(conn: sqlite3.Connection) -> Iterator[None]:
    """Warranties inserted inside the block are counted into the roll-ups as it ends, in one
    set-based statement per roll-up, instead of by the insert trigger row by row.

    For bulk inserts (an import's 100k warranties): the trigger's three upserts per row were
    1.5 s of CPU, the set-based count is 0.46 s. The trigger is dropped for the block and made
    again from its own stored text before the count, all inside the caller's write
    transaction: no other connection ever sees the shop without it, and a failure rolls the
    drop back with everything else. (A trigger that skips while a flag row says so still ran
    its WHEN for every row: 3.6 us a row, a third of what the count saves.) Only inserts may
    happen inside the block: a warranty updated or deleted there would be counted by its
    update trigger before its insert was. Other connections prepare their statements again
    once after the commit (the schema changed and changed back).
    """
    (mark,) = conn.execute("SELECT coalesce(max(rowid), 0) FROM warranties").fetchone()
    stored = _trigger_sql(conn)
    if stored is not None:
        conn.execute(f"DROP TRIGGER {_INSERT_TRIGGER}")
    try:
        yield
    except BaseException:
        # The caller rolls back, and the drop with it; SQLite may have rolled the whole
        # transaction back already (a full disk does), the trigger there again. Only a
        # transaction still open without the trigger gets it back here.
        if stored is not None and conn.in_transaction and _trigger_sql(conn) is None:
            conn.execute(stored)
        raise
    if stored is not None:
        conn.execute(stored)
    # Rowids only grow here: rows inserted above the mark are the block's.
    for statement in _added(f"w.rowid > {int(mark)}"):
        conn.execute(statement)
