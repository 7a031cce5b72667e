"""What a session records of its client: when it was last used, its user agent and IP address."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from {{ cookiecutter.project_slug }}.authentication.models import USER_AGENT_MAX_LENGTH, TokenFamily

PHONE = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X)"
LAPTOP = "Mozilla/5.0 (X11; Linux x86_64) Firefox/130.0"


@pytest.fixture
def behind_one_proxy(settings):
    """Trust one proxy: the client is the last address it appended to X-Forwarded-For."""
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "NUM_PROXIES": 1}


def test_signing_in_records_the_user_agent_address_and_time(auth):
    auth.client.defaults["HTTP_USER_AGENT"] = PHONE
    before = timezone.now()

    auth.login()

    family = TokenFamily.objects.get()
    assert (family.user_agent, family.ip_address) == (PHONE, "127.0.0.1")
    assert family.last_used_at >= before


def test_behind_a_proxy_the_address_is_the_one_it_forwarded(behind_one_proxy, auth):
    auth.client.defaults["HTTP_X_FORWARDED_FOR"] = "10.9.8.7, 203.0.113.5"

    auth.login()

    assert TokenFamily.objects.get().ip_address == "203.0.113.5"


@pytest.mark.parametrize("forwarded", ["not-an-address", "999.1.1.1", "<script>"])
def test_a_forwarded_address_that_is_no_address_is_recorded_as_unknown(behind_one_proxy, auth, forwarded):
    auth.client.defaults["HTTP_X_FORWARDED_FOR"] = forwarded

    assert auth.login().status_code == 200
    assert TokenFamily.objects.get().ip_address is None


def test_a_long_user_agent_is_cut_to_the_columns_length(auth):
    auth.client.defaults["HTTP_USER_AGENT"] = "A" * 10_000 + "\x00"

    assert auth.login().status_code == 200
    assert TokenFamily.objects.get().user_agent == "A" * USER_AGENT_MAX_LENGTH
{%- if cookiecutter.rotate_refresh_tokens == "yes" %}


def test_a_refresh_brings_the_sessions_last_use_and_client_up_to_date(behind_one_proxy, signed_in):
    TokenFamily.objects.update(last_used_at=timezone.now() - timedelta(days=1))
    signed_in.client.defaults.update(HTTP_USER_AGENT=LAPTOP, HTTP_X_FORWARDED_FOR="198.51.100.7")

    assert signed_in.refresh().status_code == 200

    family = TokenFamily.objects.get()
    assert (family.user_agent, family.ip_address) == (LAPTOP, "198.51.100.7")
    assert family.last_used_at > timezone.now() - timedelta(minutes=1)


def test_a_refresh_records_its_client_in_the_rotations_one_update(signed_in):
    signed_in.client.defaults["HTTP_USER_AGENT"] = LAPTOP
    with CaptureQueriesContext(connection) as queries:
        assert signed_in.refresh().status_code == 200

    updates = [query["sql"] for query in queries if query["sql"].lstrip().upper().startswith("UPDATE")]
    assert len(updates) == 1, updates
    assert all(column in updates[0] for column in ("last_issued_jti", "last_used_at", "user_agent", "ip_address"))
{%- else %}


def test_a_refresh_without_rotation_writes_nothing_so_the_session_shows_its_sign_in(signed_in):
    signed_in_at = TokenFamily.objects.get().last_used_at
    signed_in.client.defaults["HTTP_USER_AGENT"] = LAPTOP
    with CaptureQueriesContext(connection) as queries:
        assert signed_in.refresh().status_code == 200

    assert not [query["sql"] for query in queries if not query["sql"].lstrip().upper().startswith("SELECT")]
    family = TokenFamily.objects.get()
    assert (family.last_used_at, family.user_agent) == (signed_in_at, "")
    assert timedelta(0) < timezone.now() - signed_in_at < timedelta(minutes=1)
{%- endif %}
