"""Stamped fields default to the portal's one clock (portal.clock.now), not Django's wall clock."""

import portal.clock
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('health', '0001_initial'),
    ]

    operations = [
        migrations.AlterField(
            model_name='driftfinding',
            name='checked_at',
            field=models.DateTimeField(default=portal.clock.now),
        ),
        migrations.AlterField(
            model_name='driftfinding',
            name='found_at',
            field=models.DateTimeField(default=portal.clock.now),
        ),
    ]
