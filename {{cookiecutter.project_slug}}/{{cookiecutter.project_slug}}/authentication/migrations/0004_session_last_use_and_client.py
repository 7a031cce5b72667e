from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("authentication", "0003_digest_stored_refresh_tokens"),
    ]

    operations = [
        migrations.AddField(
            model_name="tokenfamily",
            name="last_used_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="tokenfamily",
            name="user_agent",
            field=models.CharField(blank=True, default="", max_length=512),
        ),
        migrations.AddField(
            model_name="tokenfamily",
            name="ip_address",
            field=models.GenericIPAddressField(blank=True, null=True),
        ),
        # Sessions from before this migration were last used no earlier than they began.
        migrations.RunSQL(
            "UPDATE authentication_tokenfamily SET last_used_at = COALESCE(last_rotated_at, created_at)",
            reverse_sql=migrations.RunSQL.noop,
        ),
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
                    ("ended_by_user", "Ended by the user from another session"),
                    ("session_cap", "Least recently used beyond the sessions allowed per user"),
                    ("ended_by_admin", "Ended by staff in the admin"),
                ],
                default="",
                max_length=32,
            ),
        ),
        migrations.AddIndex(
            model_name="tokenfamily",
            index=models.Index(fields=["user", "revoked_at", "last_used_at"], name="tokenfamily_user_last_used"),
        ),
    ]
