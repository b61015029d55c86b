# What head office's metric pages (/office/metrics/) need to count as a branch's dashboard does:
# claim.closed_at (open claims, resolution speed, replacement time, refunds decided in a range),
# claim.opened_by (the staff field), claim.sku (the product field of a claim on no warranty),
# claim.promised_on (resolution completion's on-time count), claim.refund_minor,
# approver_role and approver_limit_minor (refund accuracy), brandclaim.expected_per_claim
# (supplier recovery and cost recovery, shared per claim), product.supplier (the supplier
# field), warranty.sold_on (activations and registration gaps, by the sale's day).

import django.contrib.postgres.fields
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('projections', '0012_warranty_sale_channel'),
    ]

    operations = [
        migrations.AddField(
            model_name='brandclaim',
            name='expected_per_claim',
            field=django.contrib.postgres.fields.ArrayField(base_field=models.BigIntegerField(), default=list, size=None),
        ),
        migrations.AddField(
            model_name='claim',
            name='approver_limit_minor',
            field=models.BigIntegerField(null=True),
        ),
        migrations.AddField(
            model_name='claim',
            name='approver_role',
            field=models.CharField(blank=True, db_default='', max_length=60),
        ),
        migrations.AddField(
            model_name='claim',
            name='closed_at',
            field=models.DateTimeField(null=True),
        ),
        migrations.AddField(
            model_name='claim',
            name='opened_by',
            field=models.CharField(blank=True, db_default='', max_length=200),
        ),
        migrations.AddField(
            model_name='claim',
            name='promised_on',
            field=models.DateField(null=True),
        ),
        migrations.AddField(
            model_name='claim',
            name='refund_minor',
            field=models.BigIntegerField(null=True),
        ),
        migrations.AddField(
            model_name='claim',
            name='sku',
            field=models.CharField(blank=True, db_default='', max_length=64),
        ),
        migrations.AddField(
            model_name='product',
            name='supplier',
            field=models.CharField(blank=True, db_default='', max_length=200),
        ),
        migrations.AddField(
            model_name='warranty',
            name='sold_on',
            field=models.DateField(null=True),
        ),
    ]
