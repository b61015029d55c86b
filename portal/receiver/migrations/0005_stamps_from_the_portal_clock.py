"""Stamped fields default to the portal's one clock (portal.clock.now), not Django's wall clock."""

import portal.clock
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('receiver', '0004_event_day_index'),
    ]

    operations = [
        migrations.AlterField(
            model_name='document',
            name='stored_at',
            field=models.DateTimeField(default=portal.clock.now),
        ),
        migrations.AlterField(
            model_name='nightlyreport',
            name='received_at',
            field=models.DateTimeField(default=portal.clock.now),
        ),
        migrations.AlterField(
            model_name='refusedevent',
            name='first_at',
            field=models.DateTimeField(default=portal.clock.now),
        ),
        migrations.AlterField(
            model_name='refusedevent',
            name='last_at',
            field=models.DateTimeField(default=portal.clock.now),
        ),
    ]
