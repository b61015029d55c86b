"""The shared cache's table (settings CACHES): sign-in rate limits counted across processes."""

from __future__ import annotations

from typing import Any

from django.core.management import call_command
from django.db import migrations


def create_cache_table(apps: Any, schema_editor: Any) -> None:
    # Django's own command makes the table its DatabaseCache expects; it skips one that exists.
    call_command("createcachetable", database=schema_editor.connection.alias, verbosity=0)


class Migration(migrations.Migration):
    dependencies = [("customers", "0004_mail_and_branch_mailbox")]

    operations = [migrations.RunPython(create_cache_table, migrations.RunPython.noop)]
