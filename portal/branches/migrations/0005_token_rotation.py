"""A rotated token keeps working until its expiry (the grace period), then is refused."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('branches', '0004_stamps_from_the_portal_clock'),
    ]

    operations = [
        migrations.AddField(
            model_name='branchtoken',
            name='expires_at',
            field=models.DateTimeField(blank=True, null=True),
        ),
    ]
