"""The OpenAPI schema and Swagger UI, and a schemathesis run against the live schema."""

import subprocess
import sys
from pathlib import Path

import pytest

from {{ cookiecutter.project_slug }}.core.testing import PROJECT_DIR, HttpAuthSession

ENDPOINTS = {
    "/api/token/",
    "/api/token/refresh/",
    "/api/token/verify/",
    "/api/auth/logout/",
    "/api/auth/logout-all/",
    "/api/me/",
}
# What must hold for every generated request: no 5xx, and every answer as documented.
CHECKS = "not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance"


def test_the_schema_documents_every_endpoint_and_the_bearer_scheme(client):
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()

    assert set(schema["paths"]) >= ENDPOINTS
    assert schema["components"]["securitySchemes"]["jwtAuth"] == {
        "type": "http",
        "scheme": "bearer",
        "bearerFormat": "JWT",
    }
    assert {"jwtAuth": []} in schema["paths"]["/api/me/"]["get"]["security"]
    assert "429" in schema["paths"]["/api/token/"]["post"]["responses"]


def test_swagger_ui_is_served_from_the_project_not_a_cdn(client):
    response = client.get("/api/docs/")

    assert response.status_code == 200
    assert b"drf_spectacular_sidecar" in response.content
    assert b"cdn.jsdelivr" not in response.content


def schemathesis(schema_url: str, *options: str) -> subprocess.CompletedProcess:
    command = [str(Path(sys.executable).parent / "schemathesis"), "run", schema_url, "--checks", CHECKS]
    command += ["--max-examples", "25", "--seed", "1", "--no-shrink", "--generation-database", "none", *options]
    return subprocess.run(command, cwd=PROJECT_DIR, capture_output=True, text=True, timeout=600)


@pytest.mark.live_server_process
def test_schemathesis_finds_no_server_error_and_no_answer_that_breaks_the_schema(start_server):
    server = start_server()
    session = HttpAuthSession(server.url)
    assert session.login().status == 200
    schema_url = f"{server.url}/api/schema/"

    signed_in = schemathesis(
        schema_url, "--header", f"Authorization: Bearer {session.access}", "--exclude-path", "/api/auth/logout-all/"
    )
    anonymous = schemathesis(schema_url)

    for run in (signed_in, anonymous):
        assert run.returncode == 0, run.stdout[-4000:] + run.stderr[-2000:]
        assert " passed" in run.stdout
