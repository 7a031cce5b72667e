"""Ending every session of a user with far more open sessions than SQLite takes variables
(security review, finding 2): one UPDATE, cache entries written in chunks, no 500.

Slow (a quarter of a million rows): it runs in `make test` and the template's full-suite
bakes (one on SQLite, one on PostgreSQL), not in the quick in-process runs.
"""

import time

import pytest
from django.core.cache import caches
from django.db import connection
from django.utils import timezone

from {{ cookiecutter.project_slug }}.authentication import revocation
from {{ cookiecutter.project_slug }}.authentication.models import TokenFamily

pytestmark = pytest.mark.slow

# Past SQLite's variable limit (32,766) many times over; one more is the test's own sign-in.
BULK_SESSIONS = 250_000
# A random id per row, in the form each database stores a UUIDField (SQLite: 32 hex digits).
RANDOM_UUID_SQL = {"sqlite": "lower(hex(randomblob(16)))", "postgresql": "gen_random_uuid()"}


def open_sessions_in_sql(user, count: int) -> None:
    """Insert `count` open sessions of `user` with one INSERT ... SELECT (creating them as models takes a minute)."""
    table = connection.ops.quote_name(TokenFamily._meta.db_table)
    created_at = connection.ops.adapt_datetimefield_value(timezone.now())
    with connection.cursor() as cursor:
        cursor.execute(
            f"WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < %s) "  # noqa: S608
            f"INSERT INTO {table} "
            f"(id, user_id, created_at, last_used_at, last_issued_jti, last_spent_jti, revoked_reason, user_agent) "
            f"SELECT {RANDOM_UUID_SQL[connection.vendor]}, %s, %s, %s, '', '', '', '' FROM n",
            [count, user.pk, created_at, created_at],
        )


@pytest.fixture
def quarter_million_sessions(signed_in, user):
    """Open 250,000 sessions of `user` beside the one `signed_in` holds; return that AuthSession."""
    started = time.monotonic()
    open_sessions_in_sql(user, BULK_SESSIONS)
    print(f"opened {BULK_SESSIONS} sessions in {time.monotonic() - started:.1f} s")
    assert TokenFamily.objects.filter(user=user, revoked_at__isnull=True).count() == BULK_SESSIONS + 1
    return signed_in


def is_revoked_in_cache(family_id) -> bool:
    return caches[revocation.CACHE_ALIAS].get(revocation.key(str(family_id))) is not None


def assert_every_session_ended(user):
    assert not TokenFamily.objects.filter(user=user, revoked_at__isnull=True).exists()
    newest, oldest = TokenFamily.objects.order_by("-created_at").first(), TokenFamily.objects.earliest("created_at")
    assert is_revoked_in_cache(newest.pk) and is_revoked_in_cache(oldest.pk)


def test_logout_everywhere_ends_a_quarter_of_a_million_sessions(quarter_million_sessions, user):
    started = time.monotonic()
    response = quarter_million_sessions.logout("/api/auth/logout-all/")
    print(f"logout-all took {time.monotonic() - started:.1f} s")

    assert response.status_code == 205
    assert_every_session_ended(user)
    assert quarter_million_sessions.refresh().status_code == 401


def test_a_password_change_ends_a_quarter_of_a_million_sessions(quarter_million_sessions, user):
    user.set_password("a new passphrase, long enough")
    user.save()

    assert_every_session_ended(user)
    assert quarter_million_sessions.refresh().json()["code"] == "session_revoked"
