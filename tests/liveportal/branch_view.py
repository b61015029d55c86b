"""The real portal as one test's till meets it: its branch, behind a chaos proxy, and what head
office stored from it, read from the portal's own database."""

from __future__ import annotations

import hashlib
import itertools
import json
import uuid
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from tests.sync.chaos_proxy import Call, Chaos, ChaosProxy

# Codes of branches a test made besides its own: retired ones are renamed to R + their pk.
_OTHER_CODES = (f"X{n:05d}" for n in itertools.count(1))


@dataclass
class BranchPortal:
    """Head office for one test: the branch `code` (BR01 unless said), registered afresh with
    its own `token`, reached at `url` through the proxy that injects faults."""

    proxy: ChaosProxy
    direct_url: str  # the served portal itself, past the proxy
    code: str
    token: str
    pk: int
    branch_pks: list[int] = field(default_factory=list)
    squatter: int | None = None  # the other branch that holds ids the portal refuses

    # -- the line between till and portal ----------------------------------------------------

    @property
    def url(self) -> str:
        """The base URL a till uses (the proxy's), with the contract's base path."""
        return self.proxy.url

    @property
    def chaos(self) -> Chaos:
        return self.proxy.chaos

    @chaos.setter
    def chaos(self, value: Chaos) -> None:
        self.proxy.chaos = value

    @property
    def calls(self) -> list[Call]:
        """Every request the till made, as the proxy saw it, in order."""
        return self.proxy.calls

    @property
    def answers(self) -> Counter[str]:
        """How many pushed events the portal answered accepted, duplicate, rejected."""
        return self.proxy.answers

    @property
    def batches(self) -> list[list[tuple[str, str]]]:
        """Each answered push: (event id, status) per event."""
        return self.proxy.batches

    def go_offline(self) -> None:
        self.proxy.go_offline()

    def go_online(self) -> None:
        self.proxy.go_online()

    # -- what head office stored ---------------------------------------------------------------

    def _rows(self, where: str = "", params: Iterable[Any] = ()) -> list[dict[str, Any]]:
        from django.db import connection

        with connection.cursor() as cursor:
            cursor.execute("SELECT id, seq, topic, aggregate, aggregate_id, occurred_at, payload "
                           "FROM receiver_event WHERE branch_id = %s" + where +
                           " ORDER BY received_no", [self.pk, *params])
            names = [c.name for c in cursor.description or ()]
            rows = [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
        for row in rows:
            row["id"] = str(row["id"])
            if isinstance(row["payload"], str):  # Django reads jsonb as its text
                row["payload"] = json.loads(row["payload"])
            row["branch"] = self.code
        return rows

    @property
    def events(self) -> dict[str, dict[str, Any]]:
        """Every event the branch's till pushed, by id, in arrival order."""
        return {row["id"]: row for row in self._rows()}

    def event_ids(self) -> list[str]:
        """Every stored event id, in arrival order."""
        return list(self.events)

    def events_for(self, aggregate_id: str) -> list[dict[str, Any]]:
        """One record's stored events, in arrival order."""
        return self._rows(" AND aggregate_id = %s", [aggregate_id])

    def arrival_seqs(self) -> list[int]:
        """The till's seq of every stored event, in arrival order."""
        return [int(row["seq"]) for row in self._rows()]

    @property
    def documents(self) -> dict[str, bytes]:
        """The documents the branch holds at head office, by sha256."""
        from django.core.files.storage import default_storage

        from portal.receiver.models import Document, storage_name

        held = {}
        for sha in Document.objects.filter(branch_id=self.pk).values_list("sha256", flat=True):
            with default_storage.open(storage_name(sha), "rb") as handle:
                held[sha] = handle.read()
        return held

    def hold_document(self, data: bytes) -> str:
        """Head office holds these bytes for the branch already (as if uploaded before)."""
        from portal.branches.models import Branch
        from portal.receiver import documents

        sha = hashlib.sha256(data).hexdigest()
        documents.store(Branch.objects.get(pk=self.pk), sha, data)
        return sha

    @property
    def nightly(self) -> list[dict[str, Any]]:
        """The nightly reports the branch sent, as sent, oldest first."""
        return self.nightly_of(self.code)

    def nightly_of(self, code: str) -> list[dict[str, Any]]:
        """The nightly reports a branch of this test sent, as sent, oldest first."""
        from portal.receiver.models import NightlyReport

        return [dict(r) for r in NightlyReport.objects.filter(
            branch_id__in=self.branch_pks, branch__code=code)
            .order_by("pk").values_list("body", flat=True)]

    @property
    def epoch(self) -> str | None:
        """The epoch of the till's last push, as head office keeps it."""
        from portal.branches.models import Branch

        epoch = Branch.objects.get(pk=self.pk).epoch
        return None if epoch is None else str(epoch)

    @property
    def acks(self) -> list[str]:
        """The cursors of every acknowledgement the portal took, in order (from the proxy)."""
        return [json.loads(c.body)["cursor"] for c in self.calls
                if c.method == "POST" and c.path.endswith("/inbox/ack") and c.status == 204]

    @property
    def acked(self) -> int:
        """How far the till has acknowledged its inbox (a position; 0 for never)."""
        from portal.branches.models import Branch

        return int(Branch.objects.get(pk=self.pk).inbox_acked)

    def queue(self, kind: str, payload: dict[str, Any], *, item_id: str | None = None,
              created_at: str | None = None) -> str:
        """Put an item in the branch's inbox as head office does; its id."""
        from portal import contract
        from portal.branches.models import Branch
        from portal.inbox.services import queue_item

        return queue_item(Branch.objects.get(pk=self.pk), kind, payload, item_id=item_id,
                          created_at=contract.instant(created_at) if created_at else None
                          ).item_id

    def queue_items(self, items: Iterable[dict[str, Any]]) -> None:
        """Queue items written as the till reads them (id, kind, created_at, payload)."""
        for item in items:
            self.queue(item["kind"], item["payload"], item_id=item.get("id"),
                       created_at=item.get("created_at"))

    # -- refusals ------------------------------------------------------------------------------

    def other_branch(self, code: str | None = None) -> tuple[str, str]:
        """Register another branch for this test (retired with it): its code and token."""
        from portal.branches.services import register_branch

        branch, token = register_branch(code or next(_OTHER_CODES))
        self.branch_pks.append(branch.pk)
        return branch.code, token

    def refuse(self, event_ids: Iterable[str]) -> None:
        """Make the portal refuse these events: another branch holds their ids already, which
        the portal answers for each with a rejection ("already sent by another branch")."""
        from django.db import connection

        from portal.receiver import partitions

        ids = [uuid.UUID(i) for i in event_ids]
        if not ids:
            return
        if self.squatter is None:
            from portal.branches.models import Branch

            self.squatter = Branch.objects.get(code=self.other_branch()[0]).pk
        partitions.ensure({partitions.month_of(i) for i in ids})
        with connection.cursor() as cursor:
            cursor.execute(
                "INSERT INTO receiver_event (id, branch_id, received_no, seq, topic, aggregate,"
                " aggregate_id, occurred_at, received_at, payload) SELECT i, %s, 1, 1,"
                " 'claim.opened', 'claim', 'elsewhere', now(), now(), '{}'::jsonb"
                " FROM unnest(%s::uuid[]) AS i ON CONFLICT DO NOTHING", [self.squatter, ids])

    def accept(self, event_ids: Iterable[str]) -> None:
        """Stop refusing these events (the other branch's copies are gone)."""
        from django.db import connection

        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM receiver_event WHERE id = ANY(%s::uuid[]) AND "
                           "branch_id <> %s", [[uuid.UUID(i) for i in event_ids], self.pk])

    def retire(self) -> None:
        """Free the branch code and the event ids for the next test: rename every branch the
        test made, and delete their events (an id is stored once across all branches)."""
        from django.db import connection

        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM receiver_event WHERE branch_id = ANY(%s)",
                           [self.branch_pks])
            cursor.execute("UPDATE branches_branch SET code = 'R' || lpad(id::text, 5, '0') "
                           "WHERE id = ANY(%s)", [self.branch_pks])
