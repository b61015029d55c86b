"""High-water marks per branch: the highest event seq, the till's epoch, and number counters."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('branches', '0002_push_counts'),
        ('receiver', '0002_partitioned_events'),
    ]

    operations = [
        migrations.AddField(
            model_name='branch',
            name='highest_seq',
            field=models.BigIntegerField(default=0),
        ),
        migrations.AddField(
            model_name='branch',
            name='epoch',
            field=models.UUIDField(blank=True, null=True),
        ),
        migrations.CreateModel(
            name='NumberMark',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('kind', models.CharField(max_length=4)),
                ('year', models.IntegerField()),
                ('last', models.BigIntegerField()),
                ('branch', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='number_marks', to='branches.branch')),
            ],
            options={
                'constraints': [models.UniqueConstraint(fields=('branch', 'kind', 'year'), name='branches_number_mark_once')],
            },
        ),
        # Events stored before this migration count: their seqs are marks too.
        migrations.RunSQL(
            """UPDATE branches_branch b SET highest_seq = s.top
               FROM (SELECT branch_id, max(seq) AS top FROM receiver_event GROUP BY branch_id) s
               WHERE s.branch_id = b.id""",
            reverse_sql=migrations.RunSQL.noop),
    ]
