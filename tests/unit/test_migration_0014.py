"""Migration 0014 on a database made at 0013: messages keep their state and gain delivery
columns in place; customers gain an empty undeliverable flag; downgrade takes them away."""

from __future__ import annotations

import uuid

from alembic import command

from tests.conftest import sqlite_file
from warranty_desk.clock import FixedClock
from warranty_desk.services import setup
from warranty_desk.storage import migrate
from warranty_desk.storage.home import Home


def _columns(path: object, table: str) -> list[str]:
    with sqlite_file(str(path)) as conn:
        return [row[1] for row in conn.execute(f"PRAGMA table_info({table})")]


def test_0014_adds_the_delivery_columns_in_place_and_keeps_every_message(
        home: Home, clock: FixedClock) -> None:
    db = setup.open_database(home, clock)
    config = migrate.alembic_config()
    with db.engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "0013")
    message, customer = uuid.uuid4().bytes, uuid.uuid4().bytes
    with sqlite_file(db.path) as conn:
        conn.execute("INSERT INTO customers (id, reference, name, phone, email, segment, "
                     "retention_follow_up, created_at) VALUES (?, 'BR01-CU-000001', 'Ada', '', "
                     "'ada@example.org', 'retail', 0, '2026-01-01 00:00:00.000000')",
                     (customer,))
        conn.execute("INSERT INTO customer_messages (id, customer_id, template, subject, body, "
                     "direction, state, created_at) VALUES (?, ?, 'claim_received', 'S', 'B', "
                     "'outbound', 'queued', '2026-01-01 00:00:00.000000')", (message, customer))
    with db.engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "0014")
    with sqlite_file(db.path) as conn:
        assert conn.execute("SELECT state, channel, server_id, reason, attempts, state_at FROM "
                            "customer_messages").fetchall() == [("queued", "", "", "", 0, None)]
        assert conn.execute("SELECT email_undeliverable FROM customers").fetchall() == [("",)]
    with db.engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, "0013")
    assert "channel" not in _columns(db.path, "customer_messages")
    assert "email_undeliverable" not in _columns(db.path, "customers")
    with sqlite_file(db.path) as conn:
        assert conn.execute("SELECT count(*) FROM customer_messages").fetchone() == (1,)
    db.dispose()
