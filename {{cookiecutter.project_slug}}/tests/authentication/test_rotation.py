"""Rotation: every refresh hands out a new refresh token in the same session family."""

from django.core.management import call_command

from {{ cookiecutter.project_slug }}.authentication.models import TokenFamily
from {{ cookiecutter.project_slug }}.authentication.policy import session_policy
from {{ cookiecutter.project_slug }}.authentication.tokens import RefreshToken


def test_refresh_rotates_the_refresh_token_within_the_family(signed_in):
    old = RefreshToken(signed_in.refresh_token)

    assert signed_in.refresh().status_code == 200

    new = RefreshToken(signed_in.refresh_token)
    assert new.jti != old.jti
    assert new.family_id == old.family_id
    assert TokenFamily.objects.get().last_spent_jti == old.jti


def test_a_long_chain_of_rotations_keeps_the_user_signed_in(signed_in):
    for _ in range(10):
        assert signed_in.refresh().status_code == 200

    assert signed_in.get("/api/me/").status_code == 200


def test_rotation_reads_the_claims_afresh_from_the_user(signed_in, user):
    # Through save() this ends the session (test_account_changes_end_sessions); behind the
    # signals, as a QuerySet.update() does it, the next refresh still reads the new values.
    type(user).objects.filter(pk=user.pk).update(email="alice@new.example.com", is_staff=False)
    user.refresh_from_db()

    assert signed_in.refresh().status_code == 200

    token = RefreshToken(signed_in.refresh_token)
    for claim in session_policy().custom_claims:
        assert token[claim] == getattr(user, claim)


def test_flushing_keeps_the_session_table_bounded_across_many_rotations(signed_in):
    for _day in range(5):
        for _ in range(20):
            assert signed_in.refresh().status_code == 200

        call_command("flushexpiredtokens")

        assert TokenFamily.objects.count() == 1
    assert signed_in.refresh().status_code == 200
{%- if cookiecutter.token_blacklist == "yes" %}


def let_all_but_the_newest_token_expire() -> None:
    """Stand in for time passing: every recorded token but the newest expires, leeway included."""
    from datetime import timedelta

    from django.utils import timezone
    from rest_framework_simplejwt.token_blacklist.models import OutstandingToken

    newest = OutstandingToken.objects.latest("id")
    long_expired = timezone.now() - session_policy().leeway - timedelta(seconds=1)
    OutstandingToken.objects.exclude(pk=newest.pk).update(expires_at=long_expired)


def test_flushing_keeps_the_blacklists_token_table_bounded_across_many_rotations(signed_in):
    from rest_framework_simplejwt.token_blacklist.models import OutstandingToken

    for _day in range(5):
        for _ in range(20):
            assert signed_in.refresh().status_code == 200
        let_all_but_the_newest_token_expire()

        call_command("flushexpiredtokens")

        assert OutstandingToken.objects.count() <= 1
    assert signed_in.refresh().status_code == 200
{%- endif %}
