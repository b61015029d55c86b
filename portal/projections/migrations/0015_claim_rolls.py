# The metric page's claims rolled up per claim (projections_claimroll) as they are written, not
# worked out on every read: at 1M warranties each page joined the range's claims to branches,
# products and warranties, put every instant on its branch's wall clock and grouped the claims'
# events, once per part of the page (1-2 s of PostgreSQL per page). A row holds what the facts
# need resolved: product (the SKU's at its branch, else its warranty's), the wall-clock instants
# and days on the branch's own zone, the flags its events give, the cost kinds posted and the
# day a unit last came back into returns stock.
#
# One definition, the view projections_claimroll_source, says what a claim's row is; the
# triggers write the view's rows for the claims a statement touched (statement-level, with
# transition tables, so a bulk write pays one statement, and every writer keeps it: the
# projector, a rebuild, raw SQL), and projections_claimroll_recount() writes all of them.
# A claim's row is rewritten whole, not added to: before reading the view the refresh locks the
# claims (FOR NO KEY UPDATE, in id order), so a second writer of the same claim waits for the
# first to commit and then reads what it wrote (READ COMMITTED gives each statement of the
# function a new snapshot). The lock does not block the claim events' foreign-key checks.

import django.contrib.postgres.fields
from django.db import migrations, models

# As written when this migration was made (portal.staff.metric_rows and rules.claim_states).
CLOSING = "'claim.decided', 'claim.status_changed'"
MOVES = "'return_in', 'back_from_supplier', 'to_supplier', 'scrap', 'handed_back'"
VOID = "'void', 'replaced'"
# The events that move a claim's row: the rest (evidence, notes) never change it.
TOPICS = (f"'claim.replacement_handed_over', 'claim.reopened', 'claim.cost_posted', "
          f"'stock.moved', {CLOSING}")

COLUMNS = ("claim_id, branch_id, number, state, outcome, customer_id, warranty_id, product_id, "
           "staff, promised_on, refund_minor, approver_role, approver_limit_minor, tz, "
           "opened_at, closed_at, opened, closed, handed_on, rejected, reopened, "
           "cost_kinds, waiting_since, next_sale_on, shared")

SOURCE = f"""
CREATE FUNCTION projections_wall_zone(name text) RETURNS text LANGUAGE plpgsql STABLE AS $$
BEGIN
    -- As warranty_desk.clock.zone_of: an unknown or empty name is UTC.
    IF name IS NULL OR name = '' THEN RETURN 'UTC'; END IF;
    PERFORM now() AT TIME ZONE name;
    RETURN name;
EXCEPTION WHEN invalid_parameter_value THEN
    RETURN 'UTC';
END $$;
CREATE VIEW projections_claimroll_source AS
SELECT c.id AS claim_id, c.branch_id, c.number, c.state, c.outcome, c.customer_id,
       c.warranty_id, CASE WHEN c.sku <> '' THEN ps.id ELSE w.product_id END AS product_id,
       c.opened_by AS staff, c.promised_on, c.refund_minor, c.approver_role,
       c.approver_limit_minor, z.tz, c.opened_at, c.closed_at,
       c.opened_at AT TIME ZONE z.tz AS opened, c.closed_at AT TIME ZONE z.tz AS closed,
       (ev.handed AT TIME ZONE z.tz)::date AS handed_on,
       coalesce(ev.rejected, false) OR c.state = 'rejected' AS rejected,
       coalesce(ev.reopened, false) AS reopened,
       coalesce(ev.cost_kinds, '{{}}') AS cost_kinds,
       CASE WHEN mv.kind = 'return_in' THEN (mv.occurred_at AT TIME ZONE z.tz)::date
       END AS waiting_since,
       (SELECT min(s.sold_on) FROM projections_warranty s WHERE s.customer_id = c.customer_id
          AND s.sold_on > (c.opened_at AT TIME ZONE z.tz)::date AND s.status NOT IN ({VOID})
       ) AS next_sale_on,
       EXISTS (SELECT 1 FROM projections_claim o WHERE o.number = c.number AND o.id <> c.id)
           AS shared
FROM projections_claim c
CROSS JOIN LATERAL (SELECT projections_wall_zone(b.time_zone) AS tz FROM branches_branch b
                    WHERE b.id = c.branch_id) z
LEFT JOIN projections_product ps ON c.sku <> '' AND ps.branch_id = c.branch_id AND ps.sku = c.sku
LEFT JOIN projections_warranty w ON c.sku = '' AND w.id = c.warranty_id
LEFT JOIN LATERAL (
    SELECT min(e.occurred_at) FILTER (WHERE e.topic = 'claim.replacement_handed_over') AS handed,
           bool_or(e.topic = 'claim.reopened') AS reopened,
           bool_or(e.topic IN ({CLOSING}) AND e.to_state = 'rejected') AS rejected,
           array_agg(DISTINCT coalesce(e.details->>'kind', ''))
               FILTER (WHERE e.topic = 'claim.cost_posted') AS cost_kinds
    FROM projections_claimevent e
    WHERE e.claim_id = c.id AND e.topic IN ({TOPICS})) ev ON true
LEFT JOIN LATERAL (
    SELECT e.details->>'kind' AS kind, e.occurred_at FROM projections_claimevent e
    WHERE e.claim_id = c.id AND e.topic = 'stock.moved' AND e.details->>'kind' IN ({MOVES})
    ORDER BY e.seq DESC LIMIT 1) mv ON true;
"""

_SET = ", ".join(f"{c} = EXCLUDED.{c}" for c in COLUMNS.split(", ")[1:])

REFRESH = f"""
CREATE FUNCTION projections_claimroll_refresh(ids bigint[]) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    IF ids IS NULL OR cardinality(ids) = 0 THEN RETURN; END IF;
    PERFORM 1 FROM projections_claim WHERE id = ANY(ids) ORDER BY id FOR NO KEY UPDATE;
    DELETE FROM projections_claimroll r WHERE r.claim_id = ANY(ids)
        AND NOT EXISTS (SELECT 1 FROM projections_claim c WHERE c.id = r.claim_id);
    INSERT INTO projections_claimroll AS r ({COLUMNS})
    SELECT {COLUMNS} FROM projections_claimroll_source WHERE claim_id = ANY(ids)
    ORDER BY claim_id
    ON CONFLICT (claim_id) DO UPDATE SET {_SET}
    WHERE (r.*) IS DISTINCT FROM (EXCLUDED.*);
END $$;
CREATE FUNCTION projections_claimroll_recount() RETURNS bigint LANGUAGE plpgsql AS $$
DECLARE
    made bigint;
BEGIN
    LOCK TABLE projections_claim, projections_claimevent, projections_product,
               projections_warranty, branches_branch IN SHARE MODE;
    DELETE FROM projections_claimroll;
    INSERT INTO projections_claimroll ({COLUMNS})
    SELECT {COLUMNS} FROM projections_claimroll_source;
    GET DIAGNOSTICS made = ROW_COUNT;
    RETURN made;
END $$;
"""


def _trigger(table: str, name: str, ids: str, event: str) -> str:
    """A statement-level trigger refreshing the claims `ids` selects (from the statement's
    new_rows and/or old_rows)."""
    rows = {"INSERT": "NEW TABLE AS new_rows", "DELETE": "OLD TABLE AS old_rows",
            "UPDATE": "OLD TABLE AS old_rows NEW TABLE AS new_rows"}[event]
    return f"""
CREATE FUNCTION projections_claimroll_{name}() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM projections_claimroll_refresh(ARRAY({ids}));
    RETURN NULL;
END $$;
CREATE TRIGGER claimroll_{name} AFTER {event} ON {table}
    REFERENCING {rows} FOR EACH STATEMENT EXECUTE FUNCTION projections_claimroll_{name}();"""


def _both(select: str) -> str:
    return f"{select.format(rows='new_rows')} UNION {select.format(rows='old_rows')}"


def _among(column: str, of: str) -> str:
    """The claims' `column` among a statement's rows' `of`: the planner knows nothing of a
    transition table's size, and joined to it read every claim (33 ms a statement at 50k
    claims); looked up by the array, it reads the claims' index."""
    return f"c.{column} = ANY(ARRAY(SELECT {of} FROM {{rows}}))"


# The claims of a sale's customer opened before its day (on any wall clock: a day later in UTC).
_SALE_CLAIMS = ("SELECT c.id FROM {rows} w JOIN projections_claim c "
                "ON c.customer_id = w.customer_id WHERE " + _among("customer_id", "customer_id")
                + " AND w.sold_on IS NOT NULL AND c.opened_at < w.sold_on + 1")
_SALE_MOVED = ("EXISTS (SELECT 1 FROM old_rows o JOIN new_rows n ON n.id = o.id "
               "WHERE o.id = w.id AND (o.customer_id, o.sold_on, o.status) "
               "IS DISTINCT FROM (n.customer_id, n.sold_on, n.status))")
_WARRANTY_CLAIMS = ("SELECT c.id FROM projections_claim c WHERE " + _among("warranty_id", "id")
                    + " AND c.sku = '' UNION " + _SALE_CLAIMS)

_NUMBERED = ("SELECT id FROM {rows} UNION SELECT c.id FROM projections_claim c WHERE "
             + _among("number", "number"))
# The claims on a product's SKU at its branch.
_ON_SKU = ("SELECT c.id FROM {rows} p JOIN projections_claim c ON c.branch_id = p.branch_id "
           "AND c.sku = p.sku WHERE p.sku <> '' AND c.sku <> '' AND "
           + _among("branch_id", "branch_id") + " AND " + _among("sku", "sku"))

# Per source: the claims whose row a statement's rows can change.
TRIGGERS = "\n".join([
    # A claim, and the claims of other branches under its number (whether it is shared).
    _trigger("projections_claim", "claim_added", _NUMBERED.format(rows="new_rows"), "INSERT"),
    _trigger("projections_claim", "claim_changed", _NUMBERED.format(rows="new_rows")
             + " UNION " + _NUMBERED.format(rows="old_rows"), "UPDATE"),
    _trigger("projections_claim", "claim_removed", _NUMBERED.format(rows="old_rows"), "DELETE"),
    _trigger("projections_claimevent", "event_added",
             f"SELECT DISTINCT claim_id FROM new_rows WHERE topic IN ({TOPICS})", "INSERT"),
    _trigger("projections_claimevent", "event_changed", _both(
        "SELECT claim_id FROM {rows} WHERE topic IN (" + TOPICS + ")"), "UPDATE"),
    _trigger("projections_claimevent", "event_removed",
             f"SELECT DISTINCT claim_id FROM old_rows WHERE topic IN ({TOPICS})", "DELETE"),
    # A SKU's product made, moved or removed: the claims on that SKU at that branch.
    _trigger("projections_product", "product_added", _ON_SKU.format(rows="new_rows"),
             "INSERT"),
    _trigger("projections_product", "product_changed", _both(
        _ON_SKU + " AND EXISTS (SELECT 1 FROM old_rows o JOIN new_rows n ON n.id = o.id "
        "WHERE o.id = p.id AND (o.sku, o.branch_id) IS DISTINCT FROM (n.sku, n.branch_id))"),
             "UPDATE"),
    _trigger("projections_product", "product_removed", _ON_SKU.format(rows="old_rows"),
             "DELETE"),
    # A warranty's product: the claims on that warranty with no SKU of their own (a claim
    # may be written before its warranty in one transaction: the foreign keys are deferred).
    # A sale (its customer, day, status): the customer's claims opened before its day, whose
    # next day of buying it may be.
    _trigger("projections_warranty", "warranty_added",
             _WARRANTY_CLAIMS.format(rows="new_rows"), "INSERT"),
    _trigger("projections_warranty", "warranty_changed",
             "SELECT c.id FROM new_rows n JOIN old_rows o ON o.id = n.id "
             "JOIN projections_claim c ON c.warranty_id = n.id WHERE c.sku = '' AND "
             + _among("warranty_id", "id").format(rows="new_rows")
             + " AND n.product_id IS DISTINCT FROM o.product_id UNION "
             + _SALE_CLAIMS.format(rows="new_rows") + " AND " + _SALE_MOVED + " UNION "
             + _SALE_CLAIMS.format(rows="old_rows") + " AND " + _SALE_MOVED, "UPDATE"),
    _trigger("projections_warranty", "warranty_removed",
             _WARRANTY_CLAIMS.format(rows="old_rows"), "DELETE"),
    # A branch's zone: every claim of the branch is on other days.
    _trigger("branches_branch", "zone_changed",
             "SELECT c.id FROM new_rows n JOIN old_rows o ON o.id = n.id "
             "JOIN projections_claim c ON c.branch_id = n.id "
             "WHERE n.time_zone IS DISTINCT FROM o.time_zone", "UPDATE"),
])

EMPTIED = """
CREATE FUNCTION projections_claimroll_emptied() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM projections_claimroll_recount();
    RETURN NULL;
END $$;
CREATE TRIGGER claimroll_emptied AFTER TRUNCATE ON projections_claim
    FOR EACH STATEMENT EXECUTE FUNCTION projections_claimroll_emptied();
CREATE TRIGGER claimroll_events_emptied AFTER TRUNCATE ON projections_claimevent
    FOR EACH STATEMENT EXECUTE FUNCTION projections_claimroll_emptied();
"""

FORWARD = (SOURCE + REFRESH + TRIGGERS + EMPTIED
           + "SELECT projections_claimroll_recount(); ANALYZE projections_claimroll;")

_NAMES = ["claim_added", "claim_changed", "claim_removed", "event_added", "event_changed",
          "event_removed", "product_added", "product_changed", "product_removed",
          "warranty_added", "warranty_changed", "warranty_removed", "zone_changed"]
BACKWARD = "\n".join(
    [f"DROP FUNCTION projections_claimroll_{n}() CASCADE;" for n in [*_NAMES, "emptied"]]
    + ["DROP FUNCTION projections_claimroll_refresh(bigint[]);",
       "DROP FUNCTION projections_claimroll_recount();",
       "DROP VIEW projections_claimroll_source;", "DROP FUNCTION projections_wall_zone(text);"])


class Migration(migrations.Migration):

    dependencies = [
        ('projections', '0014_sales_counts'),
    ]

    operations = [
        migrations.CreateModel(
            name='ClaimRoll',
            fields=[
                ('claim_id', models.BigIntegerField(primary_key=True, serialize=False)),
                ('branch_id', models.BigIntegerField()),
                ('number', models.CharField(max_length=64)),
                ('state', models.CharField(max_length=20)),
                ('outcome', models.CharField(max_length=20)),
                ('customer_id', models.BigIntegerField(null=True)),
                ('warranty_id', models.BigIntegerField(null=True)),
                ('product_id', models.BigIntegerField(null=True)),
                ('staff', models.CharField(max_length=200)),
                ('promised_on', models.DateField(null=True)),
                ('refund_minor', models.BigIntegerField(null=True)),
                ('approver_role', models.CharField(max_length=60)),
                ('approver_limit_minor', models.BigIntegerField(null=True)),
                ('tz', models.TextField()),
                ('opened_at', models.DateTimeField(null=True)),
                ('closed_at', models.DateTimeField(null=True)),
                ('opened', models.DateTimeField(null=True)),
                ('closed', models.DateTimeField(null=True)),
                ('handed_on', models.DateField(null=True)),
                ('rejected', models.BooleanField()),
                ('reopened', models.BooleanField()),
                ('cost_kinds', django.contrib.postgres.fields.ArrayField(base_field=models.TextField(), size=None)),
                ('waiting_since', models.DateField(null=True)),
                ('next_sale_on', models.DateField(null=True)),
                ('shared', models.BooleanField()),
            ],
            options={
                'indexes': [models.Index(fields=['opened'], name='claim_roll_opened'),
                            models.Index(fields=['waiting_since'], name='claim_roll_waiting',
                                         condition=models.Q(('waiting_since__isnull', False)))],
            },
        ),
        # Wall-clock instants carry no zone (they are each branch's own):         # Django's DateTimeField cannot say so.
        migrations.RunSQL(
            "ALTER TABLE projections_claimroll ALTER opened TYPE timestamp, "
            "ALTER closed TYPE timestamp;"
            "CREATE INDEX claim_sku ON projections_claim (branch_id, sku) WHERE sku <> '';"
            # The page sums the range's cost postings: without this, every event is read.
            "CREATE INDEX claim_event_costs ON projections_claimevent (claim_id) "
            "WHERE topic = 'claim.cost_posted';",
            "DROP INDEX claim_sku; DROP INDEX claim_event_costs;"),
        migrations.RunSQL(FORWARD, BACKWARD),
    ]
