"""The OpenAPI schema and Swagger UI, and a schemathesis run against the live schema."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support import PASSWORD, PROJECT_DIR
from tests.support.browser import chromium
from tests.support.servers import ACCESS_LOG_VARIABLE, create_user
from tests.support.sessions import AuthSession, http_session

ENDPOINTS = {
    "/api/token/",
    "/api/token/refresh/",
    "/api/token/verify/",
    "/api/auth/logout/",
    "/api/auth/logout-all/",
    "/api/auth/logout-others/",
    "/api/auth/sessions/",
    "/api/auth/sessions/{session_id}/",
    "/api/me/",
}
# What must hold for every generated request: no 5xx, every answer (body and headers) as
# documented, and no protected operation answering without valid credentials. Left out:
# negative_data_rejection, which counts a garbled multipart body that Django reads as an
# empty form (echoed back by /api/echo/) as "invalid data accepted".
CHECKS = ",".join(
    [
        "not_a_server_error",
        "status_code_conformance",
        "content_type_conformance",
        "response_schema_conformance",
        "response_headers_conformance",
        "ignored_auth",
    ]
)


def test_the_schema_documents_every_endpoint_and_the_bearer_scheme(client):
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()

    assert set(schema["paths"]) >= ENDPOINTS
    scheme = schema["components"]["securitySchemes"]["jwtAuth"]
    assert {key: scheme[key] for key in ("type", "scheme", "bearerFormat")} == {
        "type": "http",
        "scheme": "bearer",
        "bearerFormat": "JWT",
    }
    assert "POST /api/token/" in scheme["description"]
    assert {"jwtAuth": []} in schema["paths"]["/api/me/"]["get"]["security"]
    assert "429" in schema["paths"]["/api/token/"]["post"]["responses"]


@pytest.mark.parametrize("path", ["/api/schema/", "/api/docs/"])
def test_the_schema_and_swagger_ui_ignore_a_stale_bearer_header(client, path):
    response = client.get(path, HTTP_AUTHORIZATION="Bearer expired.or.garbage")

    assert response.status_code == 200


def test_swagger_ui_is_served_from_the_project_not_a_cdn(client):
    response = client.get("/api/docs/")

    assert response.status_code == 200
    assert b"drf_spectacular_sidecar" in response.content
    assert b"cdn.jsdelivr" not in response.content


# The signed-in run's credentials, as ${VARIABLES} that its environment fills in. Each
# operation that ends a session gets a session of its own (logout-all a user of its own), so
# in whatever order schemathesis runs them, the rest stay signed in and really reach the view.
{%- if cookiecutter.refresh_token_storage == "httponly_cookie" %}
# Cookie mode sends the CSRF pair everywhere and the refresh cookie to refresh.
SIGNED_IN_CONFIG = """
headers = { Authorization = "Bearer ${ACCESS}", Cookie = "csrftoken=${CSRF}", X-CSRFToken = "${CSRF}" }

[[operations]]
include-path = "/api/token/refresh/"
headers = { Cookie = "csrftoken=${CSRF}; refresh_token=${REFRESH_TOKEN}" }

[[operations]]
include-path = "/api/auth/logout/"
headers = { Authorization = "Bearer ${LOGOUT_ACCESS}" }
"""
{%- else %}
# Body mode puts the refresh tokens in the bodies.
SIGNED_IN_CONFIG = """
headers = { Authorization = "Bearer ${ACCESS}" }

[[operations]]
include-path = "/api/token/refresh/"
parameters = { "body.refresh" = "${REFRESH_TOKEN}" }

[[operations]]
include-path = "/api/auth/logout/"
headers = { Authorization = "Bearer ${LOGOUT_ACCESS}" }
parameters = { "body.refresh" = "${LOGOUT_REFRESH}" }
"""
{%- endif %}
LOGOUT_ALL_CONFIG = """
[[operations]]
include-path = "/api/auth/logout-all/"
headers = { Authorization = "Bearer ${LOGOUT_ALL_ACCESS}" }

[[operations]]
include-path = "/api/auth/logout-others/"
headers = { Authorization = "Bearer ${LOGOUT_OTHERS_ACCESS}" }

[[operations]]
include-path = "/api/auth/sessions/{session_id}/"
parameters = { "path.session_id" = "${ENDED_SESSION_ID}" }
"""


def schemathesis(schema_url: str, config: Path | None = None, env: dict | None = None) -> subprocess.CompletedProcess:
    """Run schemathesis against the schema (with a configuration file, if given); return the finished process."""
    command = [str(Path(sys.executable).parent / "schemathesis")]
    command += ["--config-file", str(config)] if config else []
    command += ["run", schema_url, "--checks", CHECKS, "--max-examples", "25", "--seed", "1", "--no-shrink"]
    command += ["--generation-database", "none"]
    env = {**os.environ, **(env or {})}
    return subprocess.run(command, cwd=PROJECT_DIR, env=env, capture_output=True, text=True, timeout=600)


def signed_in_config(folder: Path) -> Path:
    """Write the signed-in run's configuration for this storage mode; return its path."""
    config = folder / "schemathesis-signed-in.toml"
    config.write_text(SIGNED_IN_CONFIG + LOGOUT_ALL_CONFIG)
    return config


def signed_in_environment(server) -> tuple[AuthSession, dict]:
    """Sign in once for the run and once for each operation that ends a session; return the first and the secrets."""
    create_user(server.env, "bob")
    create_user(server.env, "carol")
    signed_in, refreshing, logging_out, everywhere, ended, others = (http_session(server.url) for _ in range(6))
    users = [(signed_in, "alice"), (refreshing, "alice"), (logging_out, "alice"), (ended, "alice")]
    for session, username in [*users, (everywhere, "bob"), (others, "carol")]:
        assert session.login(username).status_code == 200
    secrets = {
        "ACCESS": signed_in.access,
{%- if cookiecutter.refresh_token_storage == "httponly_cookie" %}
        "CSRF": signed_in.csrf_token(),
{%- endif %}
        "REFRESH_TOKEN": refreshing.refresh_token,
        "LOGOUT_ACCESS": logging_out.access,
        "LOGOUT_REFRESH": logging_out.refresh_token,
        "LOGOUT_ALL_ACCESS": everywhere.access,
        "LOGOUT_OTHERS_ACCESS": others.access,
        # alice ends one session of her own that no other operation uses.
        "ENDED_SESSION_ID": next(entry["id"] for entry in ended.get("/api/auth/sessions/").data if entry["current"]),
    }
    return signed_in, secrets


@pytest.mark.live_server_process
def test_schemathesis_finds_no_server_error_and_no_answer_that_breaks_the_schema(start_server, tmp_path):
    server = start_server(**{ACCESS_LOG_VARIABLE: str(tmp_path / "access.log")})
    signed_in, secrets = signed_in_environment(server)
    schema_url = f"{server.url}/api/schema/"

    signed_in_run = schemathesis(schema_url, config=signed_in_config(tmp_path), env=secrets)
    assert_passed(signed_in_run)
    # Every operation was reached with valid credentials (and in cookie mode the CSRF pair),
    # not only refused, and the session-ending ones ended only their own sessions.
    assert server.count_requests("POST", "/api/token/refresh/", 200) >= 1
    assert server.count_requests("POST", "/api/auth/logout/", 205) >= 1
    assert server.count_requests("POST", "/api/auth/logout-all/", 205) >= 1
    assert server.count_requests("POST", "/api/auth/logout-others/", 205) >= 1
    assert server.count_requests("GET", "/api/auth/sessions/", 200) >= 1
    assert server.count_requests("DELETE", f"/api/auth/sessions/{secrets['ENDED_SESSION_ID']}/", 204) == 1
    assert signed_in.get("/api/me/").status_code == 200

    assert_passed(schemathesis(schema_url))


def assert_passed(run: subprocess.CompletedProcess) -> None:
    assert run.returncode == 0, run.stdout[-4000:] + run.stderr[-2000:]
    assert " passed" in run.stdout


class SwaggerUI:
    """Swagger UI at /api/docs/, driven as a person would: expand, Try it out, Execute."""

    def __init__(self, page, base_url: str):
        self.page = page
        page.goto(f"{base_url}/api/docs/")
        page.wait_for_selector(".opblock-summary")

    def execute(self, path: str, body: dict | None = None):
        """Run the POST or GET operation at `path` from its panel; return the response it got."""
        panel = self.page.locator(f".opblock:has(.opblock-summary-path[data-path='{path}'])")
        if "is-open" not in (panel.get_attribute("class") or ""):
            panel.locator(".opblock-summary").click()
        try_it_out = panel.locator(".try-out__btn")
        try_it_out.wait_for()
        if try_it_out.inner_text().strip() == "Try it out":
            try_it_out.click()
        if body is not None:
            panel.locator("textarea.body-param__text").fill(json.dumps(body))
        with self.page.expect_response(lambda response: "/api/" in response.url) as answer:
            panel.locator("button.execute").click()
        return answer.value

    def authorize(self, access: str) -> None:
        """Paste an access token into the Authorize dialog, as its description says."""
        self.page.locator(".auth-wrapper button.authorize").click()
        self.page.locator(".auth-container input").fill(access)
        self.page.locator(".auth-btn-wrapper button.authorize").click()
        self.page.locator(".auth-btn-wrapper button.btn-done").click()


@pytest.mark.browser
@pytest.mark.live_server_process
def test_swagger_ui_signs_in_authorizes_and_refreshes(browser_available, start_server, tmp_path):
    server = start_server()
    with chromium(tmp_path / "profile") as context:
        docs = SwaggerUI(context.new_page(), server.url)

        login = docs.execute("/api/token/", {"username": "alice", "password": PASSWORD})
        assert login.status == 200
        tokens = login.json()

        docs.authorize(tokens["access"])
        me = docs.execute("/api/me/")
        assert me.status == 200
        assert me.request.headers["authorization"] == f"Bearer {tokens['access']}"
        assert me.json()["username"] == "alice"

{%- if cookiecutter.refresh_token_storage == "httponly_cookie" %}
        # The page sends the HttpOnly cookie, and drf-spectacular adds the CSRF header.
        refreshed = docs.execute("/api/token/refresh/")
{%- else %}
        refreshed = docs.execute("/api/token/refresh/", {"refresh": tokens["refresh"]})
{%- endif %}
        assert refreshed.status == 200, refreshed.text()
        assert refreshed.json()["access"] != tokens["access"]
