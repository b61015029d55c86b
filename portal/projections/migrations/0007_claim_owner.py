# Written by hand for the branch's owner and backup of each claim (ClaimV1's optional fields).

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('projections', '0006_message_by_hand'),
    ]

    operations = [
        migrations.AddField(
            model_name='claim',
            name='owner',
            field=models.CharField(blank=True, db_default='', max_length=200),
        ),
        migrations.AddField(
            model_name='claim',
            name='backup',
            field=models.CharField(blank=True, db_default='', max_length=200),
        ),
    ]
