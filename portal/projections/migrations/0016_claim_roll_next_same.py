"""A claim's roll-up row also holds its customer's next day of buying the same product, brand,
category, supplier or branch as the claim.

The trust score's "bought again" under one filter or compared by one field needs a sale of the
claim's own value of that field. The page looked that up per claimant who bought anything again
(8,400 index probes, half of a one-brand page's 110 ms at 1M warranties); written here as the
sales and products change, it is read with the claim. The fields compare as the metric pages
name them (portal.staff.metric_counts.SALE_DIMS): blank is "not recorded", a blank supplier is
the brand, so a claim with no product matches a sale with none.

What changes a row beyond what 0015 watched: a sale's product or branch (not only its customer,
day and status), and a product's SKU, brand, category or supplier, which are the fields of every
claim on it and of every sale of it. Those triggers are made again here; the rest stand.
"""

import importlib

from django.db import migrations, models

_ROLLS = importlib.import_module("portal.projections.migrations.0015_claim_rolls")
VOID, CLOSING, MOVES, TOPICS = _ROLLS.VOID, _ROLLS.CLOSING, _ROLLS.MOVES, _ROLLS.TOPICS

FIELDS = ("product", "brand", "category", "supplier", "branch")
NEXT = ", ".join(f"next_same_{f}_on" for f in FIELDS)
COLUMNS = f"{_ROLLS.COLUMNS}, {NEXT}"

# As portal.staff.metric_counts names the fields when this migration was made.
_NR = "'not recorded'"


def _named(expr: str) -> str:
    return f"coalesce(nullif({expr}, ''), {_NR})"


def _same(field: str) -> str:
    """A later sale `s` (its product `sp`) has the claim's (`cp`, `c`) value of `field`."""
    if field == "branch":
        return "s.branch_id = c.branch_id"  # codes are unique: the same code is the same branch
    of = {"product": "{p}.sku", "brand": "{p}.brand", "category": "{p}.category",
          "supplier": "coalesce(nullif({p}.supplier, ''), {p}.brand)"}[field]
    return f"{_named(of.format(p='sp'))} = {_named(of.format(p='cp'))}"


_NEXT_SAME = ",\n".join(f"       min(s.sold_on) FILTER (WHERE {_same(f)}) AS next_same_{f}_on"
                        for f in FIELDS)

# 0015's view (as its migration made it) with the customer's later sales read once, in a
# lateral, for next_sale_on and every column after it: the changes, each made where it lands.
_VIEW_0015 = "CREATE VIEW" + _ROLLS.SOURCE.split("CREATE VIEW", 1)[1]
_PRODUCT = "CASE WHEN c.sku <> '' THEN ps.id ELSE w.product_id END"
_CHANGES = (
    ("CREATE VIEW", "CREATE OR REPLACE VIEW"),
    (f"""       (SELECT min(s.sold_on) FROM projections_warranty s WHERE s.customer_id = c.customer_id
          AND s.sold_on > (c.opened_at AT TIME ZONE z.tz)::date AND s.status NOT IN ({VOID})
       ) AS next_sale_on,""", "       nx.next_sale_on,"),
    ("           AS shared\n", "           AS shared,\n       "
     + ", ".join(f"nx.next_same_{f}_on" for f in FIELDS) + "\n"),
    ("LEFT JOIN projections_warranty w ON c.sku = '' AND w.id = c.warranty_id\n",
     "LEFT JOIN projections_warranty w ON c.sku = '' AND w.id = c.warranty_id\n"
     f"LEFT JOIN projections_product cp ON cp.id = {_PRODUCT}\n"),
    ("    ORDER BY e.seq DESC LIMIT 1) mv ON true;", f"""    ORDER BY e.seq DESC LIMIT 1) mv ON true
CROSS JOIN LATERAL (
    SELECT min(s.sold_on) AS next_sale_on,
{_NEXT_SAME}
    FROM projections_warranty s LEFT JOIN projections_product sp ON sp.id = s.product_id
    WHERE s.customer_id = c.customer_id
      AND s.sold_on > (c.opened_at AT TIME ZONE z.tz)::date AND s.status NOT IN ({VOID})) nx;"""),
)


def _changed(sql: str, changes: tuple[tuple[str, str], ...]) -> str:
    """`sql` with each (old, new) made, every old found exactly once."""
    for old, new in changes:
        assert sql.count(old) == 1, old
        sql = sql.replace(old, new)
    return sql


SOURCE = _changed(_VIEW_0015, _CHANGES)


def _columns_now(sql: str) -> str:
    """0015's refresh and recount functions, writing these columns too."""
    old_set = ", ".join(f"{c} = EXCLUDED.{c}" for c in _ROLLS.COLUMNS.split(", ")[1:])
    new_set = ", ".join(f"{c} = EXCLUDED.{c}" for c in COLUMNS.split(", ")[1:])
    assert _ROLLS.COLUMNS in sql and sql.count("CREATE FUNCTION") == 2
    return (sql.replace(old_set, new_set).replace(_ROLLS.COLUMNS, COLUMNS)
            .replace("CREATE FUNCTION", "CREATE OR REPLACE FUNCTION"))


REFRESH = _columns_now(_ROLLS.REFRESH)

_among, _both, _trigger = _ROLLS._among, _ROLLS._both, _ROLLS._trigger

# A sale moved to another customer, day, status, product or branch.
_SALE_MOVED = ("EXISTS (SELECT 1 FROM old_rows o JOIN new_rows n ON n.id = o.id "
               "WHERE o.id = w.id AND (o.customer_id, o.sold_on, o.status, o.product_id, "
               "o.branch_id) IS DISTINCT FROM (n.customer_id, n.sold_on, n.status, "
               "n.product_id, n.branch_id))")
_SALE_CLAIMS = _ROLLS._SALE_CLAIMS
# Claims whose fields a product gives: on its SKU at its branch, or with no SKU on a warranty
# of it. And the claims of every customer who bought it before or after: its fields are a
# later sale's.
_OF_PRODUCT = (_ROLLS._ON_SKU + " UNION SELECT c.id FROM projections_warranty w "
               "JOIN projections_claim c ON c.warranty_id = w.id WHERE c.sku = '' AND "
               "w.product_id = ANY(ARRAY(SELECT id FROM {rows})) UNION "
               "SELECT c.id FROM projections_warranty w JOIN projections_claim c "
               "ON c.customer_id = w.customer_id WHERE "
               "w.product_id = ANY(ARRAY(SELECT id FROM {rows})) AND w.sold_on IS NOT NULL "
               "AND c.opened_at < w.sold_on + 1")
_PRODUCT_MOVED = ("EXISTS (SELECT 1 FROM old_rows o JOIN new_rows n ON n.id = o.id "
                  "WHERE o.id = p.id AND (o.sku, o.branch_id, o.brand, o.category, o.supplier) "
                  "IS DISTINCT FROM (n.sku, n.branch_id, n.brand, n.category, n.supplier))")


def _of_product(rows: str, moved: bool) -> str:
    """_OF_PRODUCT over `rows`, each part only for the products whose fields moved."""
    parts = _OF_PRODUCT.format(rows=rows).split(" UNION ")
    if not moved:
        return " UNION ".join(parts)
    # Each part names its product rows `p` (SKU) or reads them by id (the rest): bound to the
    # moved ones by a join on their ids.
    moved_ids = ("ARRAY(SELECT p.id FROM {rows} p WHERE " + _PRODUCT_MOVED + ")").format(
        rows=rows)
    return " UNION ".join(
        [parts[0] + " AND " + _PRODUCT_MOVED,
         *(part.replace(f"ARRAY(SELECT id FROM {rows})", moved_ids) for part in parts[1:])])


TRIGGERS = "\n".join([
    _trigger("projections_warranty", "warranty_changed",
             "SELECT c.id FROM new_rows n JOIN old_rows o ON o.id = n.id "
             "JOIN projections_claim c ON c.warranty_id = n.id WHERE c.sku = '' AND "
             + _among("warranty_id", "id").format(rows="new_rows")
             + " AND n.product_id IS DISTINCT FROM o.product_id UNION "
             + _SALE_CLAIMS.format(rows="new_rows") + " AND " + _SALE_MOVED + " UNION "
             + _SALE_CLAIMS.format(rows="old_rows") + " AND " + _SALE_MOVED, "UPDATE"),
    _trigger("projections_product", "product_added", _of_product("new_rows", False),
             "INSERT"),
    _trigger("projections_product", "product_changed",
             _of_product("new_rows", True) + " UNION " + _of_product("old_rows", True),
             "UPDATE"),
    _trigger("projections_product", "product_removed", _of_product("old_rows", False),
             "DELETE"),
])
_REMADE = ("warranty_changed", "product_added", "product_changed", "product_removed")
_DROP = "\n".join(f"DROP FUNCTION projections_claimroll_{n}() CASCADE;" for n in _REMADE)

FORWARD = (_DROP + SOURCE + REFRESH + TRIGGERS
           + "SELECT projections_claimroll_recount(); ANALYZE projections_claimroll;")


def _triggers_of_0015() -> str:
    """0015's own triggers of those made again here."""
    made = _ROLLS.TRIGGERS.split("\nCREATE FUNCTION ")
    kept = [f"\nCREATE FUNCTION {t}" for t in made
            if any(t.startswith(f"projections_claimroll_{n}()") for n in _REMADE)]
    assert len(kept) == len(_REMADE)
    return "".join(kept)


# 0015's view cannot be put back by CREATE OR REPLACE over a wider one: it is dropped and
# made again; the columns then go with their fields.
BACKWARD = ("DROP VIEW projections_claimroll_source;\n" + _VIEW_0015
            + _ROLLS.REFRESH.replace("CREATE FUNCTION", "CREATE OR REPLACE FUNCTION")
            + _DROP + _triggers_of_0015())


class Migration(migrations.Migration):

    dependencies = [
        ('projections', '0015_claim_rolls'),
    ]

    operations = [
        *(migrations.AddField(model_name='claimroll', name=f'next_same_{f}_on',
                              field=models.DateField(null=True)) for f in FIELDS),
        migrations.RunSQL(FORWARD, BACKWARD),
    ]
