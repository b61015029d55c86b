"""Web shop secrets sealed at rest: the column widens to hold ciphertext, every kept secret is
sealed."""

from collections.abc import Callable
from typing import Any

from django.db import migrations

import portal.webshop.sealed


def _rewrite(schema_editor: Any, change: Callable[[str], str]) -> None:
    # Through SQL, so each row's stored text is what is read and changed, whatever the field.
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("SELECT id, secret FROM webshop_webshop")
        for row_id, secret in cursor.fetchall():
            cursor.execute("UPDATE webshop_webshop SET secret = %s WHERE id = %s",
                           [change(secret), row_id])


def seal_kept(apps: Any, schema_editor: Any) -> None:
    _rewrite(schema_editor, portal.webshop.sealed.seal)


def unseal_kept(apps: Any, schema_editor: Any) -> None:
    _rewrite(schema_editor, portal.webshop.sealed.unseal)


class Migration(migrations.Migration):

    dependencies = [
        ("webshop", "0002_refunds_paid"),
    ]

    operations = [
        migrations.AlterField(
            model_name="webshop",
            name="secret",
            field=portal.webshop.sealed.SealedField(),
        ),
        migrations.RunPython(seal_kept, unseal_kept),
    ]
