"""Errors Django or DRF answer before a view runs: JSON with a documented code under the API's
paths, whatever went wrong, and Django's own pages elsewhere."""

import json

import pytest
from django.core.exceptions import RequestDataTooBig
from django.test import Client, RequestFactory

from {{ cookiecutter.project_slug }}.core.exceptions import bad_request, server_error

from tests.support.errors import assert_clean_refusal, documented_error_codes

TWO_AND_A_HALF_MEGABYTES = 2_621_440


@pytest.fixture
def client():
    return Client()


@pytest.mark.parametrize("path", ["/api/no-such-endpoint/", "/api/token/nope/", "/.well-known/no-such-document"])
def test_an_unknown_api_path_is_a_json_404(client, path):
    response = client.get(path)

    assert_clean_refusal(response, statuses={404})
    assert response.json()["code"] == "not_found"


def test_an_unknown_page_elsewhere_is_djangos_own_404(client):
    response = client.get("/no-such-page/")

    assert response.status_code == 404
    assert "json" not in response["Content-Type"]


@pytest.mark.parametrize("path", ["/api/token/", "/api/token/refresh/", "/api/token/verify/"])
def test_an_unknown_format_is_a_json_404_with_a_code(client, path):
    response = client.post(f"{path}?format=xml", {}, content_type="application/json")

    assert_clean_refusal(response, statuses={404})


def test_a_client_that_will_not_take_json_gets_a_406_with_a_code(client):
    response = client.get("/api/me/", HTTP_ACCEPT="text/html")

    assert_clean_refusal(response, statuses={406})
    assert response.json()["code"] == "not_acceptable"


@pytest.mark.django_db
def test_a_body_past_djangos_own_limit_is_a_json_413(client):
    body = b'{"token": "' + b"A" * TWO_AND_A_HALF_MEGABYTES + b'"}'

    response = client.generic("POST", "/api/token/verify/", body, content_type="application/json")

    assert_clean_refusal(response, statuses={413})
    assert response.json()["code"] == "request_too_large"


def test_a_body_django_refuses_to_read_before_any_view_is_a_json_413():
    """What handler400 gets when middleware has read the body and Django found it too large."""
    response = bad_request(RequestFactory().post("/api/token/"), RequestDataTooBig())

    assert response.status_code == 413
    assert json.loads(response.content)["code"] == "request_too_large"
    assert documented_error_codes()["request_too_large"] == 413


@pytest.mark.django_db
def test_too_many_query_parameters_are_a_json_400(client):
    query = "&".join(["a=1"] * 1001)  # Django's DATA_UPLOAD_MAX_NUMBER_FIELDS is 1000

    response = client.get(f"/api/me/?{query}")

    assert_clean_refusal(response, statuses={400})
    assert response.json()["code"] == "bad_request"


def test_a_host_not_allowed_is_a_json_400(client):
    response = client.get("/api/me/", HTTP_HOST="attacker.example")

    assert_clean_refusal(response, statuses={400})


def test_a_crash_under_the_api_is_a_json_500_without_its_traceback():
    response = server_error(RequestFactory().get("/api/me/"))

    assert response.status_code == 500
    assert json.loads(response.content) == {"detail": "A server error occurred.", "code": "server_error"}
    assert documented_error_codes()["server_error"] == 500
