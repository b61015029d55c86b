# Written by hand: a projected customer remembers the customer its branch merged it into.

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('projections', '0008_brand_claims'),
    ]

    operations = [
        migrations.AddField(
            model_name='customer',
            name='merged_into',
            field=models.CharField(blank=True, db_default='', max_length=64),
        ),
    ]
