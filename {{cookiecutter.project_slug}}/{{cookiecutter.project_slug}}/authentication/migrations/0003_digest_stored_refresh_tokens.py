"""Replace every refresh token stored whole in simplejwt's OutstandingToken by its SHA-256;
and say that privileges and claimed fields end sessions too (TokenFamily.Reason).

Tokens issued since are stored as a digest (blacklist.token_digest); this rewrites the rows
written before, so no live token stays readable in the database. Nothing needs them back:
records are found by jti. Does nothing without simplejwt's blacklist app.
"""

import hashlib

from django.apps import apps as installed_apps
from django.db import migrations, models

BLACKLIST_APP = "rest_framework_simplejwt.token_blacklist"
DIGEST_PREFIX = "sha256:"  # as in blacklist.py, copied: a migration must not change with the code
BATCH_SIZE = 2000


def digest(encoded: str) -> str:
    return DIGEST_PREFIX + hashlib.sha256(encoded.encode()).hexdigest()


def digest_stored_tokens(apps, schema_editor) -> None:
    if not installed_apps.is_installed(BLACKLIST_APP):
        return
    outstanding_token = apps.get_model("token_blacklist", "OutstandingToken")
    stored_whole = outstanding_token.objects.exclude(token__startswith=DIGEST_PREFIX).only("pk", "token")
    batch = []
    for row in stored_whole.iterator(chunk_size=BATCH_SIZE):
        row.token = digest(row.token)
        batch.append(row)
        if len(batch) == BATCH_SIZE:
            outstanding_token.objects.bulk_update(batch, ["token"])
            batch = []
    outstanding_token.objects.bulk_update(batch, ["token"])


class Migration(migrations.Migration):
    dependencies = [("authentication", "0002_revoked_at_index")] + (
        [("token_blacklist", "__first__")] if installed_apps.is_installed(BLACKLIST_APP) else []
    )

    operations = [
        migrations.RunPython(digest_stored_tokens, migrations.RunPython.noop, elidable=True),
        migrations.AlterField(
            model_name="tokenfamily",
            name="revoked_reason",
            field=models.CharField(
                blank=True,
                choices=[
                    ("logout", "Logged out"),
                    ("logout_all", "Logged out everywhere"),
                    ("reuse", "Refresh token reused"),
                    ("account_changed", "Account changed: password, privileges, claims; disabled or deleted"),
                ],
                default="",
                max_length=32,
            ),
        ),
    ]
