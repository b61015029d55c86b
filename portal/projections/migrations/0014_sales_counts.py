# The metric page's sales counted per (sale day, branch, product, serial given, status) as
# warranties are written, not by scanning every warranty of the range per read (56 ms at 50k
# warranties, growing with the shop). Statement-level triggers with transition tables keep it:
# every writer of projections_warranty keeps it (the projector, a branch's rebuild, direct
# SQL), and a bulk write pays one grouped upsert per statement, not one per row. Groups that
# fall to nothing are deleted (a partial index finds them), so a read never sees an empty one.
# Filled here and analysed: the planner would otherwise guess a handful of rows in any range.

from django.db import migrations, models

# As portal.projections.sales_counts.KEY (kept here as written when this migration was made).
KEY = ("sold_on, branch_id, coalesce(product_id, 0), "
       "btrim(serial, E' \\t\\n\\r\\f\\v') <> '', status")
COLUMNS = "sold_on, branch_id, product_id, has_serial, status"


def _added(rows: str, sign: str) -> str:
    return f"SELECT {KEY}, {sign}count(*) FROM {rows} WHERE sold_on IS NOT NULL GROUP BY 1, 2, 3, 4, 5"


def _apply(name: str, delta: str, dropping: bool) -> str:
    # ORDER BY: concurrent projectors upsert shared groups in one order (no deadlock).
    drop = ("DELETE FROM projections_salescount WHERE count = 0;" if dropping else "")
    return f"""
CREATE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO projections_salescount AS s ({COLUMNS}, count)
    SELECT d.sold_on, d.branch_id, d.product_id, d.has_serial, d.status, d.n
    FROM ({delta}) AS d(sold_on, branch_id, product_id, has_serial, status, n)
    WHERE d.n <> 0 ORDER BY 1, 2, 3, 4, 5
    ON CONFLICT ({COLUMNS}) DO UPDATE SET count = s.count + EXCLUDED.count;
    {drop}
    RETURN NULL;
END $$;"""


CHANGED = (f"SELECT sold_on, branch_id, product_id, has_serial, status, sum(n) FROM "
           f"({_added('new_rows', '')} UNION ALL {_added('old_rows', '-')}) "
           f"AS c(sold_on, branch_id, product_id, has_serial, status, n) GROUP BY 1, 2, 3, 4, 5")

FORWARD = f"""
{_apply('projections_sales_inserted', _added('new_rows', ''), False)}
{_apply('projections_sales_deleted', _added('old_rows', '-'), True)}
{_apply('projections_sales_updated', CHANGED, True)}
CREATE FUNCTION projections_sales_emptied() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM projections_salescount;
    RETURN NULL;
END $$;
CREATE TRIGGER sales_inserted AFTER INSERT ON projections_warranty
    REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION projections_sales_inserted();
CREATE TRIGGER sales_deleted AFTER DELETE ON projections_warranty
    REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION projections_sales_deleted();
CREATE TRIGGER sales_updated AFTER UPDATE ON projections_warranty
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION projections_sales_updated();
CREATE TRIGGER sales_emptied AFTER TRUNCATE ON projections_warranty
    FOR EACH STATEMENT EXECUTE FUNCTION projections_sales_emptied();
INSERT INTO projections_salescount ({COLUMNS}, count) {_added('projections_warranty', '')};
ANALYZE projections_salescount;
"""

BACKWARD = """
DROP TRIGGER sales_inserted ON projections_warranty;
DROP TRIGGER sales_deleted ON projections_warranty;
DROP TRIGGER sales_updated ON projections_warranty;
DROP TRIGGER sales_emptied ON projections_warranty;
DROP FUNCTION projections_sales_inserted();
DROP FUNCTION projections_sales_deleted();
DROP FUNCTION projections_sales_updated();
DROP FUNCTION projections_sales_emptied();
"""


class Migration(migrations.Migration):

    dependencies = [
        ('projections', '0013_metric_facts'),
    ]

    operations = [
        migrations.CreateModel(
            name='SalesCount',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('sold_on', models.DateField()),
                ('branch_id', models.BigIntegerField()),
                ('product_id', models.BigIntegerField()),
                ('has_serial', models.BooleanField()),
                ('status', models.CharField(max_length=20)),
                ('count', models.BigIntegerField()),
            ],
            options={
                'constraints': [models.UniqueConstraint(fields=('sold_on', 'branch_id', 'product_id', 'has_serial', 'status'), name='sales_count_once')],
                'indexes': [models.Index(condition=models.Q(('count', 0)), fields=['id'], name='sales_count_empty')],
            },
        ),
        migrations.RunSQL(FORWARD, BACKWARD),
    ]
