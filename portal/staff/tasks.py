"""The staff pages' background job: the kept metric pages' log of writes emptied now and then."""

from __future__ import annotations

from procrastinate.contrib.django import app

from portal.staff import metric_store

QUEUE = "staff"
# The log gains a row per transaction that writes what the metric page reads (every projected
# chunk of every branch), and was emptied only after a page was built: a head office that did
# not open its metrics for a month kept a month of rows. Every quarter of an hour is often
# enough for a log that costs tens of bytes a row.
EVERY = "*/15 * * * *"


@app.periodic(cron=EVERY, periodic_id="metric-store")
@app.task(queue=QUEUE, name="portal.staff.prune_metric_store")
def prune_metric_store(timestamp: int) -> None:
    """Forget the kept pages a write made stale and the writes every kept page sees."""
    metric_store.prune()
