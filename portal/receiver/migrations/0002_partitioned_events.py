"""The events table, partitioned by month on its UUIDv7 id (Django cannot say PARTITION BY)."""

from django.db import migrations

CREATE = """
CREATE TABLE receiver_event (
    id uuid NOT NULL,
    branch_id bigint NOT NULL REFERENCES branches_branch (id) DEFERRABLE INITIALLY DEFERRED,
    received_no bigint NOT NULL,
    seq bigint NOT NULL CHECK (seq >= 1),
    topic varchar(80) NOT NULL,
    aggregate varchar(40) NOT NULL,
    aggregate_id varchar(64) NOT NULL,
    occurred_at timestamptz NOT NULL,
    received_at timestamptz NOT NULL DEFAULT now(),
    payload jsonb NOT NULL,
    PRIMARY KEY (id)
) PARTITION BY RANGE (id);
-- Projection reads one branch in arrival order; staff pages read one record's events.
CREATE INDEX receiver_event_branch_arrival ON receiver_event (branch_id, received_no);
CREATE INDEX receiver_event_record ON receiver_event (branch_id, aggregate, aggregate_id, seq);
"""


class Migration(migrations.Migration):
    dependencies = [("receiver", "0001_initial"), ("branches", "0001_initial")]

    operations = [
        migrations.RunSQL(CREATE, reverse_sql="DROP TABLE receiver_event"),
    ]
