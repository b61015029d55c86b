"""The packet a brand claim goes to the brand with: one line per unit (serial, fault, dates,
evidence, amount) in the brand's own columns, from a profile in resources/brand_packets/."""

from __future__ import annotations

import io
import tomllib
from dataclasses import dataclass
from datetime import date, datetime
from functools import cache
from pathlib import Path

from warranty_desk.errors import BadInput
from warranty_desk.money import MoneyFormat
from warranty_desk.permissions import Actor, Permission, require
from warranty_desk.resources import resource_dir
from warranty_desk.services.brand_claim_views import BrandClaimLine, BrandClaimView, find
from warranty_desk.services.brand_claim_views import view_of as brand_claim_view
from warranty_desk.services.exports import write_csv
from warranty_desk.services.shop_locale import money_of
from warranty_desk.services.supplier_terms import GENERIC_PROFILE, terms_row
from warranty_desk.services.unit_of_work import UnitOfWork, reads
from warranty_desk.storage.database import clock_of

# What a profile's packet column can hold: per brand claim, or per unit.
FIELDS = ("brand_claim", "external_id", "supplier", "brand", "service_centre", "claim_number",
          "serial", "sku", "product", "fault", "sold_on", "opened_on", "place", "evidence",
          "expected")


@dataclass(frozen=True, slots=True)
class PacketProfile:
    """A brand's layout: the packet's columns and how its service centre's status file reads."""

    key: str
    name: str
    date_format: str
    columns: tuple[tuple[str, str], ...]  # (heading, field)
    reference_column: str
    status_column: str
    note_column: str
    status_words: dict[str, str]  # the centre's word, lower case -> a brand status


def _folder() -> Path:
    return resource_dir() / "brand_packets"


@cache
def profile(key: str) -> PacketProfile:
    """A shipped profile by its file name (lumen, generic, ...)."""
    path = _folder() / f"{key.strip().lower()}.toml"
    if not path.is_file():
        known = ", ".join(profile_names())
        raise BadInput(f"There is no packet profile {key!r}. Profiles: {known}.")
    raw = tomllib.loads(path.read_text(encoding="utf-8"))
    columns = tuple((str(h), str(f)) for h, f in raw["packet"]["columns"])
    wrong = [f for _, f in columns if f not in FIELDS]
    if wrong:
        raise ValueError(f"{path.name}: unknown packet fields {wrong}")
    status = raw["status_import"]
    return PacketProfile(path.stem, str(raw["name"]), str(raw["date_format"]), columns,
                         str(status["reference"]), str(status["status"]),
                         str(status.get("note", "")),
                         {str(k).lower(): str(v) for k, v in status.get("words", {}).items()})


def profile_names() -> tuple[str, ...]:
    """Every shipped profile's key, the generic one first."""
    keys = sorted(p.stem for p in _folder().glob("*.toml"))
    return (GENERIC_PROFILE, *[k for k in keys if k != GENERIC_PROFILE])


def profile_for(supplier_profile: str | None, brand: str) -> PacketProfile:
    """The supplier's chosen profile, else the brand's own if one ships, else the generic."""
    if supplier_profile and supplier_profile != GENERIC_PROFILE:
        return profile(supplier_profile)
    if brand.strip().lower() in profile_names():
        return profile(brand)
    return profile(GENERIC_PROFILE)


@dataclass(frozen=True, slots=True)
class Packet:
    """A brand claim as it goes to the brand: its facts and its table in the brand's columns."""

    claim: BrandClaimView
    profile: PacketProfile
    printed_at: datetime
    headings: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    expected_text: str


def _cell(field: str, claim: BrandClaimView, line: BrandClaimLine, fmt: str,
          money: MoneyFormat) -> str:
    def day(value: date | None) -> str:
        return value.strftime(fmt) if value else ""

    values: dict[str, object] = {
        "brand_claim": claim.number, "external_id": claim.external_id,
        "supplier": claim.supplier, "brand": claim.brand,
        "service_centre": claim.service_centre, "claim_number": line.claim_number,
        "serial": line.serial or "", "sku": line.sku, "product": line.product,
        "fault": line.fault, "sold_on": day(line.sold_on), "opened_on": day(line.opened_on),
        "place": line.place, "evidence": "; ".join(line.evidence),
        "expected": str(money.major(line.expected_minor)),
    }
    return str(values[field])


def packet_of(claim: BrandClaimView, chosen: PacketProfile, money: MoneyFormat,
              printed_at: datetime) -> Packet:
    """The packet of a brand claim in a profile's columns (pure)."""
    rows = tuple(tuple(_cell(f, claim, line, chosen.date_format, money)
                       for _, f in chosen.columns) for line in claim.lines)
    return Packet(claim, chosen, printed_at, tuple(h for h, _ in chosen.columns), rows,
                  money.people(claim.expected_minor))


def packet_in(uow: UnitOfWork, actor: Actor, number: str) -> Packet:
    """A brand claim's packet in its supplier's (or brand's) layout."""
    require(actor, Permission.VIEW_BRAND_CLAIMS)
    session = uow.session
    row = find(session, number, actor)
    view = brand_claim_view(session, row)
    terms = terms_row(session, row.supplier)
    chosen = profile_for(terms.packet_profile if terms else None, view.brand)
    return packet_of(view, chosen, money_of(session), clock_of(session).now())


packet = reads(packet_in)


def packet_csv(found: Packet) -> str:
    """The packet as CSV text in the brand's columns, one line per unit."""
    stream = io.StringIO()
    write_csv(stream, found.headings,
              (dict(zip(found.headings, row, strict=True)) for row in found.rows))
    return stream.getvalue()
