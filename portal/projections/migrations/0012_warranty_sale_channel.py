# Written by hand: a projected warranty knows whether its unit was sold online.

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('projections', '0011_cover_on_delivery'),
    ]

    operations = [
        migrations.AddField(
            model_name='warranty',
            name='sale_channel',
            field=models.CharField(blank=True, db_default='', max_length=20),
        ),
    ]
