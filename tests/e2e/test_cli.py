"""The headless commands end to end: a real process, a real home folder, stable JSON."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

from tests.e2e.cli import run

DATA = Path(__file__).resolve().parent.parent / "data" / "imports"


def test_the_register_lists_warranties_and_each_one_looks_up(demo_home: Path) -> None:
    done = run(demo_home, "report", "warranties", "--json")
    assert done.returncode == 0, done.stderr
    rows = json.loads(done.stdout)["warranties"]
    assert len(rows) >= 30
    assert set(rows[0]) == {"code", "serial", "product", "sku", "customer", "invoice", "start",
                            "end", "status"}
    with_serial = [r for r in rows if r["serial"]]
    for row in with_serial[:3]:
        for query in (row["serial"], row["code"], row["invoice"]):
            found = run(demo_home, "lookup", query, "--json")
            assert found.returncode == 0, found.stderr
            result = json.loads(found.stdout)
            codes = [m["warranty_code"] for m in result["matches"]]
            assert row["code"] in codes
            match = next(m for m in result["matches"] if m["warranty_code"] == row["code"])
            expected = row["status"]
            assert match["verdict"] == expected


def test_an_unknown_serial_exits_1_with_a_plain_message(demo_home: Path) -> None:
    done = run(demo_home, "lookup", "ZZ-NOT-HERE-99")
    assert done.returncode == 1
    assert "Nothing found for ZZ-NOT-HERE-99" in done.stdout


def test_the_register_as_csv_has_a_header_and_a_row_per_warranty(demo_home: Path) -> None:
    as_json = json.loads(run(demo_home, "report", "warranties", "--json").stdout)["warranties"]
    lines = run(demo_home, "report", "warranties", "--csv").stdout.strip().splitlines()
    assert lines[0] == "code,serial,product,sku,customer,invoice,start,end,status"
    assert len(lines) == len(as_json) + 1


def test_the_demo_audit_log_verifies(demo_home: Path) -> None:
    done = run(demo_home, "audit", "verify", "--json")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["ok"] is True


def test_a_changed_audit_row_makes_verify_fail_and_name_it(tmp_path: Path) -> None:
    home = tmp_path / "home"
    assert run(home, "init", "--demo").returncode == 0
    conn = sqlite3.connect(home / "warranty-desk.sqlite3")
    conn.execute("DROP TRIGGER audit_entries_no_update")
    conn.execute("UPDATE audit_entries SET actor_name='Nobody' WHERE seq=5")
    conn.commit()
    conn.close()
    done = run(home, "audit", "verify")
    assert done.returncode == 1
    assert "entry 5" in done.stderr


def test_a_bad_import_file_exits_2_names_its_rows_and_adds_nothing(tmp_path: Path) -> None:
    home = tmp_path / "home"
    assert run(home, "init", "--demo").returncode == 0
    before = run(home, "report", "warranties", "--json").stdout
    done = run(home, "import", "invoices", str(DATA / "native_bad.csv"), "--json")
    assert done.returncode == 2
    problems = json.loads(done.stdout)["problems"]
    assert problems and all(p["row"] and p["column"] and p["reason"] for p in problems)
    assert run(home, "report", "warranties", "--json").stdout == before


def _invoice_file(home: Path, folder: Path) -> Path:
    """A native CSV selling two demo products, each unit with a new serial."""
    rows = json.loads(run(home, "report", "warranties", "--json").stdout)["warranties"]
    skus = sorted({r["sku"] for r in rows})[:2]
    lines = ["invoice_number,sold_on,sku,quantity,unit_price,serials,customer_name,customer_phone"]
    for n, sku in enumerate(skus, start=1):
        lines.append(f"CLI-{n},2026-11-20,{sku},2,249.00,CLI-SN-{n}A|CLI-SN-{n}B,"
                     f"Test Buyer {n},+3531555000{n}")
    path = folder / "invoices.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_a_good_import_twice_adds_its_warranties_once(tmp_path: Path) -> None:
    home = tmp_path / "home"
    assert run(home, "init", "--demo").returncode == 0
    count = len(json.loads(run(home, "report", "warranties", "--json").stdout)["warranties"])
    invoices = _invoice_file(home, tmp_path)
    first = run(home, "import", "invoices", str(invoices), "--json")
    assert first.returncode == 0, first.stderr
    added = json.loads(first.stdout)["warranties"]
    assert added > 0
    second = run(home, "import", "invoices", str(invoices), "--json")
    assert second.returncode == 0 and json.loads(second.stdout)["already_imported"] is True
    rows = json.loads(run(home, "report", "warranties", "--json").stdout)["warranties"]
    assert len(rows) == count + added


def test_backup_then_restore_brings_back_the_earlier_state(tmp_path: Path) -> None:
    home = tmp_path / "home"
    assert run(home, "init", "--demo").returncode == 0
    backup = tmp_path / "shop-backup.sqlite3"
    assert run(home, "backup", str(backup)).returncode == 0
    before = run(home, "report", "warranties", "--json").stdout
    imported = run(home, "import", "invoices", str(_invoice_file(home, tmp_path)))
    assert imported.returncode == 0, imported.stderr
    assert run(home, "report", "warranties", "--json").stdout != before
    done = run(home, "restore", str(backup))
    assert done.returncode == 0, done.stderr
    assert run(home, "report", "warranties", "--json").stdout == before


def test_restoring_a_damaged_file_is_refused_in_plain_words(tmp_path: Path) -> None:
    home = tmp_path / "home"
    assert run(home, "init").returncode == 0
    bad = tmp_path / "bad.sqlite3"
    bad.write_bytes(b"SQLite format 3\x00" + b"\x00" * 200)
    done = run(home, "restore", str(bad))
    assert done.returncode == 2
    assert "bad.sqlite3" in done.stderr and "Nothing was changed" in done.stderr


def test_a_command_before_init_says_to_run_init(tmp_path: Path) -> None:
    done = run(tmp_path / "empty", "lookup", "X-1")
    assert done.returncode == 2 and "init" in done.stderr


def test_an_unknown_command_exits_2(tmp_path: Path) -> None:
    done = run(tmp_path, "frobnicate")
    assert done.returncode == 2 and "--help" in done.stderr
