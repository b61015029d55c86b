"""`warranty-desk report message-delivery` on the demo shop, against the rows counted here."""

from __future__ import annotations

import csv
import io
import json
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from tests.conftest import sqlite_file
from tests.e2e.cli import run


def _by_hand(home: Path) -> tuple[Counter[str], Counter[str], int]:
    """Outbound messages and those delivered per ISO week of the shop's calendar, and the
    failures, straight from the database."""
    with sqlite_file(home / "warranty-desk.sqlite3") as conn:
        zone = ZoneInfo(conn.execute("SELECT timezone FROM shop").fetchone()[0])
        rows = conn.execute("SELECT created_at, state FROM customer_messages "
                            "WHERE direction = 'outbound'").fetchall()
    total: Counter[str] = Counter()
    delivered: Counter[str] = Counter()
    failed = 0
    for created, state in rows:
        at = datetime.fromisoformat(created).replace(tzinfo=UTC).astimezone(zone)
        year, week, _ = at.date().isocalendar()
        key = f"{year}-W{week:02d}"
        total[key] += 1
        delivered[key] += state in ("sent", "delivered")
        failed += state in ("failed", "bounced")
    return total, delivered, failed


def test_json_matches_the_messages_counted_from_the_database(demo_home: Path) -> None:
    done = run(demo_home, "report", "message-delivery", "--since", "2000-01-01", "--json")
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    total, delivered, failed = _by_hand(demo_home)
    assert sum(total.values()) > 0
    assert Counter({r[0]: r[3] for r in report["rows"]}) == total
    assert Counter({r[0]: r[4] for r in report["rows"]}) == +delivered
    for row in report["rows"]:
        assert row[7] == round(100 * row[4] / row[3], 1)
    assert len(report["follow"][0]["rows"]) == failed


def test_csv_has_the_rates_then_the_failures_each_with_its_header(demo_home: Path) -> None:
    done = run(demo_home, "report", "message-delivery", "--since", "2000-01-01", "--csv")
    assert done.returncode == 0, done.stderr
    # The run reads the output with universal newlines: the blank line between is "\n\n".
    rates, _, failures = done.stdout.partition("\n\n")
    rows = list(csv.reader(io.StringIO(rates)))
    assert rows[0] == ["Week", "Branch", "Channel", "Messages", "Delivered", "Failed",
                       "Waiting", "Delivered (%)"]
    total, _, failed = _by_hand(demo_home)
    assert sum(int(r[3]) for r in rows[1:]) == sum(total.values())
    listed = list(csv.reader(io.StringIO(failures)))
    assert listed[0][:5] == ["Written", "Week", "Branch", "Channel", "State"]
    assert len(listed) - 1 == failed
