"""Failed sign-ins are limited per account, whatever the address (security review, finding 9)."""

import itertools
import re

import pytest
from django.test import override_settings

from tests.support import PASSWORD, UNTHROTTLED

ACCOUNT_LIMIT = override_settings(
    JWT_THROTTLE_RATES={
        "login": "3/minute",  # per IP: each attempt below comes from another address
        "refresh": UNTHROTTLED,
        "verify": UNTHROTTLED,
        "login_account": "3/hour",
    }
)
addresses = (f"198.51.100.{number}" for number in itertools.count(1))


WRONG_PASSWORD = "a wrong guess"


def sign_in(client, username="alice", password=WRONG_PASSWORD):
    """POST credentials from a fresh client address, so the per-IP limit never decides."""
    body = {"username": username, "password": password}
    return client.post("/api/token/", body, format="json", REMOTE_ADDR=next(addresses))


@pytest.fixture
def spent(api_client, user):
    """Use up alice's failed sign-ins, each from another address."""
    for _ in range(3):
        assert sign_in(api_client).status_code == 401


@ACCOUNT_LIMIT
def test_failures_from_many_addresses_lock_the_account_with_429_and_retry_after(api_client, spent):
    response = sign_in(api_client, password=PASSWORD)  # even the right password waits now

    assert response.status_code == 429
    assert response.json()["code"] == "throttled"
    assert 3540 < int(response["Retry-After"]) <= 3600


@ACCOUNT_LIMIT
@pytest.mark.parametrize("spelling", ["ALICE", "\uff21lice"])  # case, and a full-width A (NFKC)
def test_the_count_is_per_normalised_username(api_client, spent, spelling):
    assert sign_in(api_client, username=spelling).status_code == 429


@ACCOUNT_LIMIT
def test_an_unknown_username_gets_exactly_the_same_answers(api_client, spent):
    unknown = [sign_in(api_client, username="nobody-by-that-name") for _ in range(4)]
    known = sign_in(api_client)

    assert [response.status_code for response in unknown] == [401, 401, 401, 429]
    assert without_numbers(unknown[-1].json()) == without_numbers(known.json())  # up to the seconds to wait
    assert "Retry-After" in unknown[-1] and "Retry-After" in known


def without_numbers(body: dict) -> dict:
    return {key: re.sub(r"[0-9]+", "N", value) for key, value in body.items()}


@ACCOUNT_LIMIT
def test_another_accounts_success_neither_resets_nor_shares_the_count(api_client, spent, other_user):
    assert sign_in(api_client, username="bob", password=PASSWORD).status_code == 200

    assert sign_in(api_client).status_code == 429


def admin_sign_in(client, password):
    return client.post("/admin/login/", {"username": "alice", "password": password}, REMOTE_ADDR=next(addresses))


@ACCOUNT_LIMIT
def test_the_admin_login_form_counts_and_honours_the_same_account_limit(client, api_client, user):
    for _ in range(3):
        assert admin_sign_in(client, WRONG_PASSWORD).status_code == 200  # the form again, with an error

    api = sign_in(api_client, password=PASSWORD)
    admin = admin_sign_in(client, PASSWORD)

    assert api.status_code == 429
    assert admin.status_code == 429
    assert 3540 < int(admin["Retry-After"]) <= 3600
