# Written by hand: a claim started online may be a return of a unit bought online.

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('customers', '0006_online_claims_outlive_rebuilds'),
    ]

    operations = [
        migrations.AddField(
            model_name='onlineclaim', name='preferred_outcome',
            field=models.CharField(blank=True, db_default='', max_length=10)),
        migrations.AddField(
            model_name='onlineclaim', name='sender_name',
            field=models.CharField(blank=True, db_default='', max_length=200)),
        migrations.AddField(
            model_name='onlineclaim', name='sender_address',
            field=models.TextField(blank=True, db_default='')),
        migrations.AddField(
            model_name='onlineclaim', name='approved_at',
            field=models.DateTimeField(null=True)),
        migrations.AddField(
            model_name='onlineclaim', name='approved_by',
            field=models.CharField(blank=True, db_default='', max_length=200)),
    ]
