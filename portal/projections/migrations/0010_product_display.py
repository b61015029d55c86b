# The public product page: a product's catalogue details and its policy's cover and terms text.

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('branches', '0005_token_rotation'),
        ('projections', '0009_customer_merged_into'),
    ]

    operations = [
        migrations.AddField(
            model_name='policy',
            name='manufacturer_months',
            field=models.PositiveIntegerField(null=True),
        ),
        migrations.AddField(
            model_name='policy',
            name='serial_required',
            field=models.BooleanField(null=True),
        ),
        migrations.AddField(
            model_name='policy',
            name='shop_months',
            field=models.PositiveIntegerField(null=True),
        ),
        migrations.AddField(
            model_name='policy',
            name='terms',
            field=models.TextField(blank=True, db_default=''),
        ),
        migrations.AddField(
            model_name='product',
            name='brand',
            field=models.CharField(blank=True, db_default='', max_length=200),
        ),
        migrations.AddField(
            model_name='product',
            name='category',
            field=models.CharField(blank=True, db_default='', max_length=100),
        ),
        migrations.AddField(
            model_name='product',
            name='currency',
            field=models.CharField(blank=True, db_default='', max_length=3),
        ),
        migrations.AddField(
            model_name='product',
            name='described',
            field=models.BooleanField(db_default=False),
        ),
        migrations.AddField(
            model_name='product',
            name='gtin',
            field=models.CharField(blank=True, db_default='', db_index=True, max_length=14),
        ),
        migrations.AddField(
            model_name='product',
            name='list_price_minor',
            field=models.BigIntegerField(null=True),
        ),
        migrations.AddField(
            model_name='product',
            name='locale',
            field=models.CharField(blank=True, db_default='', max_length=20),
        ),
        migrations.AddField(
            model_name='product',
            name='policy_ref',
            field=models.CharField(blank=True, db_default='', max_length=64),
        ),
        migrations.AddField(
            model_name='product',
            name='seq',
            field=models.BigIntegerField(db_default=0),
        ),
        migrations.AddField(
            model_name='product',
            name='serial_required',
            field=models.BooleanField(db_default=True),
        ),
        migrations.AddIndex(
            model_name='product',
            index=models.Index(fields=['sku'], name='product_sku'),
        ),
    ]
