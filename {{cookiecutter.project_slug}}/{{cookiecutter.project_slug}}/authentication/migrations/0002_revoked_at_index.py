from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("authentication", "0001_initial"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="tokenfamily",
            index=models.Index(fields=["revoked_at"], name="tokenfamily_revoked_at"),
        ),
    ]
