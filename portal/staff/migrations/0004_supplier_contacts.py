"""Supplier contacts: a head-office role tied to one supplier, and the updates they send."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('branches', '0005_token_rotation'),
        ('staff', '0003_sign_in_failures'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='SupplierUpdate',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('brand_claim_number', models.CharField(max_length=64)),
                ('supplier', models.CharField(max_length=200)),
                ('entered_by', models.CharField(max_length=300)),
                ('kind', models.CharField(choices=[('status', 'Status'), ('claim_id', 'Their claim ID'), ('report', 'Report'), ('proposal', 'Settlement proposal')], max_length=12)),
                ('details', models.JSONField(default=dict)),
                ('inbox_item', models.CharField(max_length=64, unique=True)),
                ('created_at', models.DateTimeField()),
            ],
            options={
                'ordering': ['created_at', 'id'],
            },
        ),
        migrations.AddField(
            model_name='staffmember',
            name='supplier',
            field=models.CharField(blank=True, default='', max_length=200),
        ),
        migrations.AlterField(
            model_name='staffmember',
            name='role',
            field=models.CharField(choices=[('admin', 'Head-office admin'), ('support', 'Support (read, and messages to customers)'), ('auditor', 'Auditor (read only)'), ('supplier', 'Supplier contact (their own brand claims only)')], max_length=20),
        ),
        migrations.AddConstraint(
            model_name='staffmember',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('role', 'supplier'), models.Q(('supplier', ''), _negated=True)), models.Q(models.Q(('role', 'supplier'), _negated=True), ('supplier', '')), _connector='OR'), name='staff_supplier_only_for_supplier_contacts'),
        ),
        migrations.AddField(
            model_name='supplierupdate',
            name='author',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL),
        ),
        migrations.AddField(
            model_name='supplierupdate',
            name='branch',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='branches.branch'),
        ),
        migrations.AddIndex(
            model_name='supplierupdate',
            index=models.Index(fields=['branch', 'brand_claim_number'], name='supplier_update_by_claim'),
        ),
    ]
