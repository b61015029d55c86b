"""A branch's time zone, projected from its till's shop.updated, so its days are its own."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('branches', '0005_token_rotation'),
    ]

    operations = [
        migrations.AddField(
            model_name='branch',
            name='time_zone',
            field=models.CharField(blank=True, default='', max_length=64),
        ),
        migrations.AddField(
            model_name='branch',
            name='time_zone_seq',
            field=models.BigIntegerField(default=0),
        ),
    ]
