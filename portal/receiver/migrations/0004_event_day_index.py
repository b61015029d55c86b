"""Events by branch and day: the nightly drift check recounts a branch's day from this index."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("receiver", "0003_refused_events")]

    operations = [
        migrations.RunSQL(
            "CREATE INDEX receiver_event_branch_day ON receiver_event (branch_id, occurred_at)",
            reverse_sql="DROP INDEX receiver_event_branch_day"),
    ]
