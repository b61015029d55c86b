"""The two outcomes of an import: a report of what was (or would be) added, or a rejection."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from warranty_desk.errors import BadInput
from warranty_desk.services.sale_input import Problem


@dataclass(frozen=True, slots=True)
class ImportReport:
    """What an import added, or on a dry run what it would add."""

    format: str
    file_name: str
    sha256: str
    sales: int = 0
    lines: int = 0
    warranties: int = 0
    extensions: int = 0
    # Invoices already in Warranty Desk from an earlier file of the same source.
    skipped_invoices: tuple[str, ...] = ()
    # Units whose product needs a serial but whose file gave none (Shopify, Square).
    registration_gaps: int = 0
    already_imported: bool = False
    dry_run: bool = False
    # Orders or rows the file itself marks as no sale: not paid, refunded or voided.
    left_out: tuple[str, ...] = ()
    # When this same file was imported before (only with already_imported).
    imported_on: date | None = None
    # Warranties the file's refunds voided, and what each refund did, in words.
    voided: tuple[str, ...] = ()
    refunds: tuple[str, ...] = ()

    def summary(self) -> str:
        """One or two plain sentences for the person who ran the import."""
        if self.already_imported:
            return (f"{self.file_name} was already imported on {self.imported_on}; "
                    "nothing was added.")
        counts = (f"{self.sales} sales, {self.warranties} warranties, "
                  f"{self.extensions} extensions")
        extra = []
        if self.skipped_invoices:
            extra.append(f"{len(self.skipped_invoices)} invoices already recorded were skipped")
        if self.left_out:
            extra.append(f"{len(self.left_out)} not paid, refunded or voided left out")
        if self.voided:
            extra.append(f"{len(self.voided)} warranties voided by refunds")
        if self.registration_gaps:
            extra.append(f"{self.registration_gaps} units still need their serial registered")
        tail = ("; " + "; ".join(extra)) if extra else ""
        if self.dry_run:
            return f"Dry run of {self.file_name}: would add {counts}{tail}. Nothing was written."
        return f"Imported {self.file_name}: added {counts}{tail}."

    def details(self) -> tuple[str, ...]:
        """What each refund did and why rows were left out, one line each, to follow up."""
        return (*self.refunds, *self.left_out)

    def as_dict(self) -> dict[str, Any]:
        """Plain JSON-ready values with fixed keys, for the command line's --json output."""
        return {
            "format": self.format, "file_name": self.file_name, "sha256": self.sha256,
            "sales": self.sales, "lines": self.lines, "warranties": self.warranties,
            "extensions": self.extensions, "skipped_invoices": list(self.skipped_invoices),
            "registration_gaps": self.registration_gaps,
            "already_imported": self.already_imported, "dry_run": self.dry_run,
            "left_out": list(self.left_out),
            "voided": list(self.voided), "refunds": list(self.refunds),
            "imported_on": self.imported_on.isoformat() if self.imported_on else None,
            "message": self.summary(),
        }


class ImportRejected(BadInput):
    """The file has problems, so nothing was imported; every problem is listed."""

    def __init__(self, file_name: str, problems: Sequence[Problem]) -> None:
        self.problems: tuple[Problem, ...] = tuple(problems)
        listed = "\n".join(f"- {p}" for p in self.problems)
        super().__init__(f"Nothing was imported from {file_name}: {len(self.problems)} "
                         f"problem(s) to fix in the file, then import it again.\n{listed}")
