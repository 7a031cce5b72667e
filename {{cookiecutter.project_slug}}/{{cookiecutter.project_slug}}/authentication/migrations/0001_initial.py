
import django.db.models.deletion
import uuid
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='TokenFamily',
            fields=[
                ('id', models.UUIDField(default=uuid.uuid4, editable=False, primary_key=True, serialize=False)),
                ('created_at', models.DateTimeField()),
                ('expires_at', models.DateTimeField(blank=True, null=True)),
                ('last_issued_jti', models.CharField(blank=True, default='', max_length=255)),
                ('last_spent_jti', models.CharField(blank=True, default='', max_length=255)),
                ('last_rotated_at', models.DateTimeField(blank=True, null=True)),
                ('revoked_at', models.DateTimeField(blank=True, null=True)),
                ('revoked_reason', models.CharField(blank=True, choices=[('logout', 'Logged out'), ('logout_all', 'Logged out everywhere'), ('reuse', 'Refresh token reused'), ('account_changed', 'Password changed, account disabled or deleted')], default='', max_length=32)),
                ('user', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='token_families', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'verbose_name': 'session',
                'verbose_name_plural': 'sessions',
                'indexes': [models.Index(fields=['user', 'revoked_at'], name='authenticat_user_id_03f28d_idx')],
            },
        ),
    ]
