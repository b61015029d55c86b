"""Which warranties the dashboard's filters let through, as a subquery of their ids.

A small public helper over services/metric_rows.py's own filter fields and joins (kept there,
where the metrics read warranties sold), so the patterns filter units under warranty exactly
as the figures filter warranties sold: by the product, the sale's branch and who sold it.
"""

from __future__ import annotations

from collections.abc import Mapping

from sqlalchemy import select
from sqlalchemy.orm import Session

from warranty_desk.models import Sale, Staff, Warranty
from warranty_desk.services.letterhead import shop_of
from warranty_desk.services.metric_rows import (
    Stmt,
    _dims,
    _sale_of_warranty,
    _where,
    check_filters,
)


def warranty_scope(session: Session, filters: Mapping[str, str]) -> Stmt | None:
    """The ids of the warranties the filters let through, as a subquery; None: every one."""
    wanted = check_filters(filters)
    if not wanted:
        return None
    dims = _dims(shop_of(session).branch_code, Staff.name)
    stmt = (_sale_of_warranty(select(Warranty.id).select_from(Warranty))
            .outerjoin(Staff, Staff.id == Sale.staff_id))
    return _where(stmt, dims, wanted)
