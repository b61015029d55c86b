"""Extension plans get a code: head office and the till name a plan by it, not by its name.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-06
"""

from __future__ import annotations

import re

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None

# Written by hand from warranty_desk/models/policy.py; a migration never imports models. The
# codes of plans already there are made from their names as services/extension_plans.py
# makes them (kept here as it was, so later changes there do not change this migration).


def _code(name: str, taken: set[str]) -> str:
    base = re.sub(r"[^A-Z0-9]+", "-", name.upper().replace("+", "PLUS")).strip("-")[:17]
    base = base.strip("-") if len(base.strip("-")) >= 2 else "PLAN"
    code, n = base, 1
    while code in taken:
        n += 1
        code = f"{base}-{n}"
    taken.add(code)
    return code


def upgrade() -> None:
    op.add_column("extension_plans", sa.Column("code", sa.String(length=20), nullable=False,
                                               server_default=""))
    bind = op.get_bind()
    taken: set[str] = set()
    for plan_id, name in bind.execute(sa.text(
            "SELECT id, name FROM extension_plans ORDER BY name")).all():
        bind.execute(sa.text("UPDATE extension_plans SET code = :code WHERE id = :id"),
                     {"code": _code(name, taken), "id": plan_id})
    op.create_index(op.f("ix_extension_plans_code"), "extension_plans", ["code"], unique=True)


def downgrade() -> None:
    op.drop_index(op.f("ix_extension_plans_code"), table_name="extension_plans")
    op.drop_column("extension_plans", "code")
