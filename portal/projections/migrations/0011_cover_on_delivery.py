# Written by hand: a policy's online cover start, and a warranty waiting for its delivery.

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('projections', '0010_product_display'),
    ]

    operations = [
        migrations.AddField(
            model_name='policy',
            name='online_cover_from',
            field=models.CharField(db_default='sale', default='sale', max_length=10),
        ),
        migrations.AddField(
            model_name='warranty',
            name='awaits_delivery',
            field=models.BooleanField(db_default=False, default=False),
        ),
        migrations.AddField(
            model_name='warranty',
            name='delivered_on',
            field=models.DateField(null=True),
        ),
    ]
