"""The test URLconf (tests/urls.py): its POST /api/echo/ works, and the product never serves it."""

import pytest
from django.urls import Resolver404, resolve


def test_the_projects_urls_have_no_echo_route():
    with pytest.raises(Resolver404):
        resolve("/api/echo/", urlconf="config.urls")


def test_the_schema_has_no_echo_route(client):
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()

    assert "/api/me/" in schema["paths"]
    assert not [path for path in schema["paths"] if "echo" in path]


def test_echo_returns_a_json_body(signed_in, user):
    response = signed_in.client.post("/api/echo/", {"note": "hi", "n": 1}, format="json", **signed_in.auth_header())

    assert response.status_code == 200
    assert response.json() == {"received": {"note": "hi", "n": "1"}, "user_id": user.pk}


def test_echo_returns_a_multipart_form(signed_in):
    response = signed_in.client.post("/api/echo/", {"note": "hi"}, format="multipart", **signed_in.auth_header())

    assert response.status_code == 200
    assert response.json()["received"] == {"note": "hi"}


@pytest.mark.parametrize("body", ["[1, 2]", '"text"', "{bad json"], ids=["list", "string", "malformed"])
def test_echo_refuses_what_is_not_an_object_with_400(signed_in, body):
    response = signed_in.client.generic(
        "POST", "/api/echo/", body, content_type="application/json", **signed_in.auth_header()
    )

    assert response.status_code == 400
    assert response.json()["code"] in {"parse_error", "invalid"}


def test_echo_requires_an_access_token(api_client):
    assert api_client.post("/api/echo/", {"note": "hi"}, format="json").status_code == 401
