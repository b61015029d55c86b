"""The sync contract (resources/api/portal.openapi.yaml) as the portal's request validator.

Requests are checked against the file itself, not a copy of it in code: a field, limit or
payload schema added to the contract applies here as soon as the file changes.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import quote

import jsonschema_rs
import yaml
from django.http import HttpRequest
from jsonschema import Draft202012Validator, FormatChecker
from jsonschema.exceptions import ValidationError, best_match
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from portal.problems import Problem
from warranty_desk.resources import resource_dir

CONTRACT = "urn:warranty-desk:portal-contract"
_RFC3339 = re.compile(r"^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$")
_FORMATS = FormatChecker(formats=("uuid",))


def instant(value: str) -> datetime:
    """An RFC 3339 date-time as the contract takes it (lower-case t and z too) read as Python's."""
    return datetime.fromisoformat(value.replace("z", "Z").replace("t", "T"))


@_FORMATS.checks("date-time", raises=ValueError)
def _date_time(value: object) -> bool:
    if not isinstance(value, str):
        return True
    if not _RFC3339.match(value):
        return False
    instant(value)
    return True


@_FORMATS.checks("date", raises=ValueError)
def _date(value: object) -> bool:
    if not isinstance(value, str):
        return True
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        return False
    date.fromisoformat(value)
    return True


def spec_path() -> Path:
    """Where the contract file is, in a checkout or an installed wheel."""
    return resource_dir() / "api" / "portal.openapi.yaml"


@cache
def document() -> dict[str, Any]:
    """The parsed contract, read once per process."""
    loaded = yaml.safe_load(spec_path().read_text(encoding="utf-8"))
    if not isinstance(loaded, dict):
        raise RuntimeError(f"{spec_path()} is not an OpenAPI document.")
    return loaded


@cache
def _registry() -> Registry[Any]:
    resource: Resource[Any] = Resource.from_contents(document(),
                                                     default_specification=DRAFT202012)
    registry: Registry[Any] = Registry().with_resource(CONTRACT, resource)
    return registry


def _pointer(*parts: str) -> str:
    return "/" + "/".join(p.replace("~", "~0").replace("/", "~1") for p in parts)


@cache
def validator(pointer: str) -> Draft202012Validator:
    """A validator for the schema at a JSON pointer into the contract."""
    return Draft202012Validator({"$ref": f"{CONTRACT}#{pointer}"}, registry=_registry(),
                                format_checker=_FORMATS)


def _boolean(check: Callable[[object], object]) -> Callable[[object], bool]:
    """A format check that answers False where the jsonschema one raises."""
    def answer(value: object) -> bool:
        try:
            return bool(check(value))
        except ValueError:
            return False
    return answer


@cache
def _fast_validator(pointer: str) -> Any:
    """The same schema compiled by jsonschema-rs, with the same format checks.

    Only a shortcut for bodies that are valid: what it refuses (or cannot read) is checked
    again by jsonschema, which names the field in the words the tills show. A 500-event batch
    takes it a few milliseconds, against some fifty for jsonschema.
    """
    formats = {name: _boolean(check) for name, (check, _) in _FORMATS.checkers.items()}
    # The contract is the root, so its own "#/components/..." references resolve as they are.
    root = {**document(), "$ref": "#" + quote(pointer, safe="/~")}
    return jsonschema_rs.validator_for(root, formats=formats, validate_formats=True)


def valid(pointer: str, value: object) -> bool:
    """Whether the value is valid by the fast validator (False when it cannot tell)."""
    try:
        return bool(_fast_validator(pointer).is_valid(value))
    except (ValueError, TypeError, OverflowError, jsonschema_rs.ValidationError):
        return False


def schema_pointer(name: str) -> str:
    """The pointer of a named component schema."""
    return _pointer("components", "schemas", name)


@dataclass(frozen=True, slots=True)
class Operation:
    """One operation of the contract: its parameters and its JSON body's schema, if any."""

    operation_id: str
    path: str
    method: str
    parameters: tuple[dict[str, Any], ...]
    body_pointer: str | None


@cache
def operation(operation_id: str) -> Operation:
    """The operation with this operationId."""
    for path, item in document()["paths"].items():
        shared = item.get("parameters", [])
        for method, spec in item.items():
            if not isinstance(spec, dict) or spec.get("operationId") != operation_id:
                continue
            params = tuple(_resolve(p) for p in [*shared, *spec.get("parameters", [])])
            content = spec.get("requestBody", {}).get("content", {})
            body = (_pointer("paths", path, method, "requestBody", "content",
                             "application/json", "schema")
                    if "application/json" in content else None)
            return Operation(operation_id, path, method, params, body)
    raise KeyError(f"The contract has no operation {operation_id!r}.")


def _resolve(node: dict[str, Any]) -> dict[str, Any]:
    ref = node.get("$ref")
    if not isinstance(ref, str):
        return node
    target: Any = document()
    for part in ref.removeprefix("#/").split("/"):
        target = target[part.replace("~1", "/").replace("~0", "~")]
    return dict(target)


def _short(value: object) -> str:
    if isinstance(value, list):
        return f"a list of {len(value)} items"
    if isinstance(value, dict):
        return f"an object with {len(value)} fields"
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "…'"


def _describe(error: ValidationError, where: str) -> str:
    place = "/".join(str(p) for p in error.absolute_path)
    # jsonschema's messages start with the whole offending value: a 500-event batch would
    # bury the reason, so a long value is named by its kind and size instead.
    message, shown = error.message, repr(error.instance)
    if len(shown) > 60 and shown in message:
        message = message.replace(shown, _short(error.instance), 1)
    message = message if len(message) <= 240 else message[:240] + "…"
    return f"{where}{' at ' + place if place else ''}: {message}"


def fault(schema: Draft202012Validator, value: object, where: str) -> tuple[str, str] | None:
    """The first thing that breaks the schema, in words, with a JSON pointer to it; or None."""
    error = best_match(schema.iter_errors(value))
    if error is None:
        return None
    pointer = "".join(f"/{str(p).replace('~', '~0').replace('/', '~1')}"
                      for p in error.absolute_path)
    return _describe(error, where), pointer


def check(schema: Draft202012Validator, value: object, where: str,
          field: str | None = None) -> None:
    """Problem 400 naming the first field that breaks the schema.

    The problem's `field` is `field` when given (a parameter's name), else a JSON pointer to the
    member at fault ("/events/3/seq"; "" for the body as a whole).
    """
    found = fault(schema, value, where)
    if found is not None:
        reason, pointer = found
        raise Problem(400, reason, field=field if field is not None else pointer or None)


@cache
def payload_versions(topic: str) -> dict[int, str]:
    """The versions of a topic's payload the contract lists, each with its schema's pointer
    (EventPayloads' x-topics); empty for a topic it does not name."""
    listed = document()["components"]["schemas"]["EventPayloads"]["x-topics"].get(topic, {})
    return {int(v): str(node["$ref"]).removeprefix("#") for v, node in listed.items()}


def payload_fault(pointer: str, payload: object, topic: str) -> tuple[str, str] | None:
    """Why a payload breaks the schema at `pointer`, with a pointer into it; None when valid."""
    if valid(pointer, payload):
        return None
    return fault(validator(pointer), payload, f"The {topic} payload") or (
        f"The {topic} payload does not meet its schema in the contract.", "")


def _absolute(node: Any) -> Any:
    # A parameter's schema is checked apart from the document: its local refs are made
    # absolute so they still resolve into the contract.
    if isinstance(node, dict):
        return {k: (f"{CONTRACT}{v}" if k == "$ref" and isinstance(v, str) and v.startswith("#")
                    else _absolute(v)) for k, v in node.items()}
    if isinstance(node, list):
        return [_absolute(v) for v in node]
    return node


@cache
def _parameter_validator(operation_id: str, name: str) -> Draft202012Validator:
    param = next(p for p in operation(operation_id).parameters if p["name"] == name)
    return Draft202012Validator(_absolute(param.get("schema", {})), registry=_registry(),
                                format_checker=_FORMATS)


def _coerce(value: str, schema: Mapping[str, Any]) -> object:
    if schema.get("type") == "integer":
        try:
            return int(value)
        except ValueError:
            return value  # the schema check names it
    return value


def parameters(operation_id: str, path: Mapping[str, str],
               query: Mapping[str, str]) -> dict[str, Any]:
    """Path and query parameters checked against the contract, with its defaults filled in."""
    op = operation(operation_id)
    known = sorted(p["name"] for p in op.parameters if p["in"] == "query")
    for name in query:
        if name not in known:
            raise Problem(400, f"The query parameter {name[:40]!r} is not one this address "
                          f"takes ({', '.join(known) if known else 'it takes none'}).",
                          field=name[:40])
    values: dict[str, Any] = {}
    for param in op.parameters:
        name, where = param["name"], param["in"]
        source = path if where == "path" else query if where == "query" else None
        if source is None:
            continue
        schema = param.get("schema", {})
        if name not in source:
            if param.get("required"):
                raise Problem(400, f"The {where} parameter {name} is missing.", field=name)
            if "default" in schema:
                values[name] = schema["default"]
            continue
        value = _coerce(source[name], schema)
        check(_parameter_validator(operation_id, name), value, f"The {where} parameter {name}",
              field=name)
        values[name] = value
    return values


def json_body(operation_id: str, request: HttpRequest) -> Any:
    """The request's JSON body, checked against the operation's schema in the contract."""
    op = operation(operation_id)
    if op.body_pointer is None:
        raise KeyError(f"{operation_id} takes no JSON body.")
    kind = (request.content_type or "").lower()
    if kind != "application/json":
        raise Problem(400, f"Send the body as application/json (it came as {kind or 'nothing'}).")
    try:
        body = json.loads(request.body)
    except (ValueError, UnicodeDecodeError) as exc:
        raise Problem(400, f"The body is not valid JSON: {exc}.") from None
    if not valid(op.body_pointer, body):
        check(validator(op.body_pointer), body, "The body")
    return body
