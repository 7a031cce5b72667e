"""CORS: same-origin only by default; a separate front end is allowed by name, with credentials."""

from django.test import override_settings

PREFLIGHT = {
    "HTTP_ORIGIN": "https://app.example.com",
    "HTTP_ACCESS_CONTROL_REQUEST_METHOD": "POST",
    "HTTP_ACCESS_CONTROL_REQUEST_HEADERS": "content-type,x-csrftoken,authorization",
}


def test_other_origins_are_not_allowed_by_default(client):
    response = client.options("/api/token/refresh/", **PREFLIGHT)

    assert "Access-Control-Allow-Origin" not in response


@override_settings(CORS_ALLOWED_ORIGINS=["https://app.example.com"], CORS_ALLOW_CREDENTIALS=True)
def test_a_named_front_end_origin_is_allowed_with_credentials(client):
    response = client.options("/api/token/refresh/", **PREFLIGHT)

    assert response["Access-Control-Allow-Origin"] == "https://app.example.com"
    assert response["Access-Control-Allow-Credentials"] == "true"
    assert "x-csrftoken" in response["Access-Control-Allow-Headers"].lower()


@override_settings(CORS_ALLOWED_ORIGINS=["https://app.example.com"])
def test_an_unnamed_origin_stays_refused(client):
    response = client.options("/api/token/refresh/", **{**PREFLIGHT, "HTTP_ORIGIN": "https://evil.example"})

    assert "Access-Control-Allow-Origin" not in response


@override_settings(CORS_ALLOWED_ORIGINS=["https://app.example.com"])
def test_a_front_end_on_another_origin_may_read_retry_after(client):
    response = client.post("/api/token/", {}, content_type="application/json", HTTP_ORIGIN="https://app.example.com")

    assert response["Access-Control-Expose-Headers"] == "Retry-After"
