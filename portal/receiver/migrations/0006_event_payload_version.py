"""Each event keeps the version of its payload's schema (Event.v in the contract; 1 before it)."""

from django.db import migrations, models

ADD = "ALTER TABLE receiver_event ADD COLUMN v smallint NOT NULL DEFAULT 1 CHECK (v >= 1)"


class Migration(migrations.Migration):
    dependencies = [("receiver", "0005_stamps_from_the_portal_clock")]

    operations = [
        # The table is Django's to read, not to manage (0002): the column by hand, the field
        # in Django's picture of the model.
        migrations.SeparateDatabaseAndState(
            database_operations=[migrations.RunSQL(
                ADD, reverse_sql="ALTER TABLE receiver_event DROP COLUMN v")],
            state_operations=[migrations.AddField(
                model_name="event", name="v", field=models.SmallIntegerField(default=1))],
        ),
    ]
