"""Stamped fields default to the portal's one clock (portal.clock.now), not Django's wall clock."""

import portal.clock
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('branches', '0003_high_water_marks'),
    ]

    operations = [
        migrations.AlterField(
            model_name='branch',
            name='created_at',
            field=models.DateTimeField(default=portal.clock.now),
        ),
        migrations.AlterField(
            model_name='branchtoken',
            name='created_at',
            field=models.DateTimeField(default=portal.clock.now),
        ),
    ]
