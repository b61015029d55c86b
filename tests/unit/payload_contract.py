"""The contract's event payload schemas (EventPayloads in resources/api/portal.openapi.yaml), for
the till's tests: which topics it names, and what is wrong with a payload by them."""

from __future__ import annotations

import json
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema_rs
import yaml
from jsonschema import Draft202012Validator, FormatChecker
from jsonschema.exceptions import best_match
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

SPEC = Path(__file__).resolve().parents[2] / "resources" / "api" / "portal.openapi.yaml"
_URN = "urn:warranty-desk:portal-contract"


@cache
def contract() -> dict[str, Any]:
    """The parsed contract."""
    loaded: dict[str, Any] = yaml.safe_load(SPEC.read_text(encoding="utf-8"))
    return loaded


def topics() -> dict[str, dict[str, Any]]:
    """Each topic the contract names, with its versions ({"1": {"$ref": ...}})."""
    found: dict[str, dict[str, Any]] = contract()["components"]["schemas"]["EventPayloads"][
        "x-topics"]
    return found


def _target(ref: str) -> dict[str, Any]:
    node: Any = contract()
    for part in ref.removeprefix("#/").split("/"):
        node = node[part]
    return dict(node)


@cache
def _validator(ref: str) -> Draft202012Validator:
    resource: Resource[Any] = Resource.from_contents(contract(),
                                                     default_specification=DRAFT202012)
    registry: Registry[Any] = Registry().with_resource(_URN, resource)
    return Draft202012Validator({"$ref": _URN + ref}, registry=registry,
                                format_checker=FormatChecker())


@cache
def _fast(ref: str) -> Any:
    # jsonschema-rs answers "valid" in microseconds; the service tests write some 80,000
    # payloads. What it refuses is read again by jsonschema, for the message.
    return jsonschema_rs.validator_for({**contract(), "$ref": ref}, validate_formats=True)


@cache
def declared(ref: str) -> frozenset[str]:
    """Every property a payload schema names, through its allOf parts and references."""
    schema = _target(ref)
    names = frozenset(schema.get("properties", {}))
    for part in schema.get("allOf", []):
        names |= declared(part["$ref"]) if "$ref" in part else set(part.get("properties", {}))
    return names


def problems(topic: str, payload: object, version: int = 1) -> Iterator[str]:
    """What is wrong with one payload by the contract: nothing for a good one."""
    versions = topics().get(topic)
    if versions is None:
        yield f"{topic}: the contract names no payload schema for this topic"
        return
    ref = versions.get(str(version), {}).get("$ref")
    if ref is None:
        yield f"{topic}: the contract has no version {version}"
        return
    if not _fast(ref).is_valid(payload):
        error = best_match(_validator(ref).iter_errors(payload))
        if error is None:  # a format only jsonschema-rs checks (date-time)
            yield f"{topic}: {next(_fast(ref).iter_errors(payload)).message}"
        else:
            where = "/".join(str(p) for p in error.absolute_path)
            yield f"{topic} at /{where}: {error.message}"
    if isinstance(payload, dict):
        extra = sorted(set(payload) - declared(ref))
        if extra:
            yield f"{topic}: fields the contract does not name: {', '.join(extra)}"


class Watch:
    """Every payload the till's services write while it stands, checked by the contract.

    Installed over `outbox.fields`, the one function both the ORM and the bulk paths build an
    event's stored fields with, so no payload is written unseen.
    """

    def __init__(self) -> None:
        self.checked = 0
        self.topics: set[str] = set()
        self.found: list[str] = []

    def wrap(self, fields: Any) -> Any:
        """`outbox.fields` that also checks what it returns."""
        def checked(topic: str, aggregate: str, aggregate_id: object,
                    payload: Any) -> tuple[str, str, str, str]:
            stored: tuple[str, str, str, str] = fields(topic, aggregate, aggregate_id, payload)
            self.see(stored[0], json.loads(stored[3]))
            return stored
        return checked

    def see(self, topic: str, payload: object) -> None:
        """Check one payload; what is wrong is kept for the test to fail on."""
        if topic in TEST_TOPICS:
            return
        self.checked += 1
        self.topics.add(topic)
        if len(self.found) < 20:
            self.found.extend(problems(topic, payload))


# Topics only the sync engine's own tests write (never a till's service): no contract for them.
TEST_TOPICS = frozenset({"test.event"})
