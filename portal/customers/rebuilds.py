"""A customer's claims started online and their uploads, kept across a projection rebuild."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from portal.customers.models import OnlineClaim, OnlineDocument
from portal.projections.models import Claim, Warranty


class RebuildLost(RuntimeError):
    """The rebuilt projection lacks a row a customer's record points at: the rebuild undoes
    itself rather than lose the customer's claim or upload."""


def keep_across_rebuild(sender: object, branch_id: int, **_: Any) -> Callable[[], None]:
    """Note, by warranty code and claim number, what the branch's online claims and uploads
    point at; let go of the claims about to be deleted; return what points them back."""
    started = list(OnlineClaim.objects.filter(branch_id=branch_id)
                   .values_list("pk", "warranty__code", "claim__number"))
    uploads = list(OnlineDocument.objects.filter(claim__branch_id=branch_id)
                   .values_list("pk", "claim__number"))
    # Deleting a claim would null the first and delete the second (their on_delete); the
    # warranty key is DO_NOTHING, checked by PostgreSQL when the rebuild commits.
    OnlineClaim.objects.filter(branch_id=branch_id).update(claim=None)
    OnlineDocument.objects.filter(pk__in=[pk for pk, _ in uploads]).update(claim=None)

    def restore() -> None:
        codes = {code for _, code, _ in started}
        numbers = {n for _, _, n in started if n} | {n for _, n in uploads}
        warranties = dict(Warranty.objects.filter(branch_id=branch_id, code__in=codes)
                          .values_list("code", "pk"))
        claims = dict(Claim.objects.filter(branch_id=branch_id, number__in=numbers)
                      .values_list("number", "pk"))
        lost = sorted(codes - warranties.keys()) + sorted(numbers - claims.keys())
        if lost:
            raise RebuildLost(
                f"the branch's events no longer make {', '.join(lost)}, which customers' "
                "claims started online point at; nothing was rebuilt. Check the branch's "
                "stored events before rebuilding again.")
        # A few statements however many rows: a branch may hold thousands of them.
        OnlineClaim.objects.bulk_update(
            [OnlineClaim(pk=pk, warranty_id=warranties[code],
                         claim_id=claims[number] if number else None)
             for pk, code, number in started], ["warranty", "claim"], batch_size=1000)
        OnlineDocument.objects.bulk_update(
            [OnlineDocument(pk=pk, claim_id=claims[number]) for pk, number in uploads],
            ["claim"], batch_size=1000)

    return restore
