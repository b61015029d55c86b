"""Failed head-office sign-ins, counted per address and per IP for the rate limit."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('staff', '0002_relayedmessage'),
    ]

    operations = [
        migrations.CreateModel(
            name='SignInFailure',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('key', models.CharField(max_length=120)),
                ('at', models.DateTimeField()),
            ],
            options={
                'indexes': [models.Index(fields=['key', 'at'], name='signin_failure_recent')],
            },
        ),
    ]
