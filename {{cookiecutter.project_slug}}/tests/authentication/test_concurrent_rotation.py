"""Rotation under concurrency, against real gunicorn processes over HTTP on 127.0.0.1.

Stock simplejwt checks the blacklist and records the rotation in separate steps, so
concurrent refreshes with one token can all succeed. Here one unique insert decides.
"""

import jwt
import pytest

from tests.support.servers import all_at_once
from tests.support.sessions import http_session

pytestmark = pytest.mark.live_server_process

CONCURRENT_REFRESHES = 20


def refresh_one_token_concurrently(start_server, grace_seconds: int):
    """Sign in on a live server with this grace window; refresh one token from many threads at once."""
    server = start_server(JWT_ROTATION_GRACE_SECONDS=str(grace_seconds))
    session = http_session(server.url)
    assert session.login().status_code == 200
    token = session.refresh_token
    return session, token, all_at_once(CONCURRENT_REFRESHES, lambda: session.refresh_elsewhere(token))


def test_concurrent_refreshes_of_one_token_issue_exactly_one_pair(start_server):
    _, _, responses = refresh_one_token_concurrently(start_server, grace_seconds=0)

    statuses = [response.status_code for response in responses]
    assert statuses.count(200) == 1, statuses
    refused = [response for response in responses if response.status_code != 200]
    assert {response.status_code for response in refused} == {401}
    assert all(response.data.get("code") for response in refused)


def test_concurrent_refreshes_inside_the_grace_window_all_stay_signed_in_on_one_token(start_server):
    session, token, responses = refresh_one_token_concurrently(start_server, grace_seconds=30)

    assert [response.status_code for response in responses] == [200] * CONCURRENT_REFRESHES
    assert all(session.get("/api/me/", response.data["access"]).status_code == 200 for response in responses)
    # One new refresh token, to the first: the others get an access token only, so the
    # session did not fork into 20 and no replay holds anything that outlives the window.
    handed_out = [issued for issued in map(issued_refresh_token, responses) if issued]
    assert len(handed_out) == 1
    assert claims(handed_out[0])["jti"] != claims(token)["jti"]


def issued_refresh_token(response) -> str | None:
    """Return the refresh token a response hands out, in its body or its cookie, or None."""
    cookie = next((morsel.value for name, morsel in response.cookies.items() if name.endswith("refresh_token")), None)
    return response.data.get("refresh") or cookie


def claims(token: str) -> dict:
    return jwt.decode(token, options={"verify_signature": False})
