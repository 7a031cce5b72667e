"""Refresh tokens at rest: the database keeps a digest, never a usable token (security review, finding 4)."""

import hashlib
import importlib

from django.apps import apps
from django.utils import timezone
from rest_framework_simplejwt.token_blacklist.models import OutstandingToken

from {{ cookiecutter.project_slug }}.authentication.tokens import RefreshToken

MIGRATION = "{{ cookiecutter.project_slug }}.authentication.migrations.0003_digest_stored_refresh_tokens"


def sha256(raw: str) -> str:
    return "sha256:" + hashlib.sha256(raw.encode()).hexdigest()


def test_the_database_keeps_a_digest_of_each_issued_refresh_token_not_the_token(signed_in):
    raw = signed_in.refresh_token

    stored = OutstandingToken.objects.get(jti=RefreshToken(raw).jti).token

    assert stored == sha256(raw)


def test_a_rotated_refresh_token_is_stored_as_a_digest_too(signed_in):
    assert signed_in.refresh().status_code == 200
    raw = signed_in.refresh_token

    stored = OutstandingToken.objects.get(jti=RefreshToken(raw).jti).token

    assert stored == sha256(raw)


def test_the_admin_page_of_an_issued_token_shows_neither_the_token_nor_its_digest(signed_in, admin_client):
    raw = signed_in.refresh_token
    record = OutstandingToken.objects.get(jti=RefreshToken(raw).jti)

    page = admin_client.get(f"/admin/token_blacklist/outstandingtoken/{record.pk}/change/")

    assert page.status_code == 200
    content = page.content.decode()
    assert record.jti in content  # the page is the token's own
    assert record.token not in content
    assert raw.rsplit(".", 1)[-1] not in content  # not even the signature


def test_the_migration_digests_tokens_stored_whole_before_it_and_leaves_digests_alone(signed_in, user):
    digested = OutstandingToken.objects.get()
    before_digests = digested.token
    old_raw = str(RefreshToken.for_session(user, "00000000-0000-4000-8000-000000000000"))
    stored_whole = OutstandingToken.objects.create(
        user=user, jti=RefreshToken(old_raw).jti, token=old_raw, created_at=timezone.now(), expires_at=timezone.now()
    )

    importlib.import_module(MIGRATION).digest_stored_tokens(apps, schema_editor=None)

    stored_whole.refresh_from_db()
    digested.refresh_from_db()
    assert stored_whole.token == sha256(old_raw)
    assert digested.token == before_digests
