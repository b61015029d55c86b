"""Each event keeps the version of its payload's schema (Event.v in the contract; 1 before it)."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("receiver", "0005_stamps_from_the_portal_clock")]

    operations = [
        migrations.RunSQL(
            "ALTER TABLE receiver_event ADD COLUMN v smallint NOT NULL DEFAULT 1 CHECK (v >= 1)",
            reverse_sql="ALTER TABLE receiver_event DROP COLUMN v"),
    ]
