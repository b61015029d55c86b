"""The metric pages built once and kept (portal.staff.metric_store), and the log of writes that
tell when a kept page is stale: a row per transaction that wrote a table the page reads."""

from django.db import migrations

# What the metric page reads (portal.staff.metric_counts, metric_behind, metric_page).
READ = ("projections_claimroll", "projections_claimevent", "projections_salescount",
        "projections_warranty", "projections_product", "projections_brandclaim")

FORWARD = """
CREATE TABLE staff_metricpage (
    key text PRIMARY KEY,
    snapshot pg_snapshot NOT NULL,
    built_at timestamptz NOT NULL,
    page bytea NOT NULL
);
CREATE INDEX staff_metricpage_built ON staff_metricpage (built_at);
CREATE TABLE staff_metricwrite (xid xid8 PRIMARY KEY);
-- One row per writing transaction: a later statement of the same one finds its own row and
-- does nothing; no other transaction ever inserts that id, so no writer waits for another.
CREATE FUNCTION staff_metric_written() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO staff_metricwrite (xid) VALUES (pg_current_xact_id()) ON CONFLICT DO NOTHING;
    RETURN NULL;
END $$;
""" + "".join(f"""
CREATE TRIGGER metric_written AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON {table}
    FOR EACH STATEMENT EXECUTE FUNCTION staff_metric_written();""" for table in READ) + """
-- A branch's row changes on every push (its counts, its last contact): only its code and
-- time zone are read by the page (and a branch added or removed).
CREATE TRIGGER metric_written AFTER INSERT OR DELETE OR TRUNCATE ON branches_branch
    FOR EACH STATEMENT EXECUTE FUNCTION staff_metric_written();
CREATE TRIGGER metric_written_named AFTER UPDATE ON branches_branch FOR EACH ROW
    WHEN (OLD.code IS DISTINCT FROM NEW.code OR OLD.time_zone IS DISTINCT FROM NEW.time_zone)
    EXECUTE FUNCTION staff_metric_written();
"""

BACKWARD = "".join(f"DROP TRIGGER metric_written ON {table};" for table in READ) + """
DROP TRIGGER metric_written ON branches_branch;
DROP TRIGGER metric_written_named ON branches_branch;
DROP FUNCTION staff_metric_written();
DROP TABLE staff_metricwrite;
DROP TABLE staff_metricpage;
"""


class Migration(migrations.Migration):
    dependencies = [
        ("staff", "0004_supplier_contacts"),
        ("projections", "0015_claim_rolls"),
        ("branches", "0006_branch_time_zone"),
    ]

    operations = [migrations.RunSQL(FORWARD, BACKWARD)]
