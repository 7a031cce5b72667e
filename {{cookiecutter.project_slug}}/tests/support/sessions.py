"""Sign in, refresh and log out through the real endpoints, in process or over HTTP.

AuthSession is written once for both: it drives a client that speaks APIClient's dialect
(post/get with headers as META keys, a SimpleCookie jar, responses with status_code and
data). In process that is DRF's APIClient; against a live server it is HttpClient below.
Tests written against it hold in both storage modes; mode-specific details (cookie
attributes, CSRF) have their own test modules.
"""

import json
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from http.cookies import SimpleCookie

from {{ cookiecutter.project_slug }}.authentication.transport import refresh_transport

from . import PASSWORD

COOKIE_MODE = refresh_transport.storage == "httponly_cookie"
CSRF_COOKIE = "csrftoken"
# Hands out the CSRF cookie in cookie mode, as a reloaded page would ask for it.
CSRF_ENDPOINT = "/api/auth/csrf/"


def logout_body(path: str, refresh_token: str | None) -> dict:
    """Return the body a logout takes: the refresh token for logout in body mode, else nothing."""
    takes_refresh = path == "/api/auth/logout/" and not COOKIE_MODE
    return {"refresh": refresh_token} if takes_refresh else {}


def refresh_cookie_name() -> str:
    """Return the refresh cookie's name (with its __Secure- prefix where the settings give one)."""
    from {{ cookiecutter.project_slug }}.authentication.cookies import cookie_name

    return cookie_name()


@dataclass
class HttpResponse:
    """A live server's answer, read the way tests read APIClient's responses."""

    status_code: int
    data: dict
    cookies: SimpleCookie
    headers: dict = field(default_factory=dict)

    def json(self) -> dict:
        return self.data


class HttpClient:
    """A browser-like client of a live server: keeps cookies, sends JSON, reads JSON."""

    def __init__(self, base_url: str):
        self.base_url = base_url
        self.cookies = SimpleCookie()

    def get(self, path: str, **headers: str) -> HttpResponse:
        return self.request("GET", path, None, headers)

    def delete(self, path: str, **headers: str) -> HttpResponse:
        return self.request("DELETE", path, None, headers)

    def post(self, path: str, data=None, format: str = "json", **headers: str) -> HttpResponse:
        return self.request("POST", path, data, headers)

    def request(self, method: str, path: str, body, meta_headers: dict) -> HttpResponse:
        """Send the request; headers come as Django META keys (HTTP_X_CSRFTOKEN), as with APIClient."""
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(f"{self.base_url}{path}", data=data, method=method)  # noqa: S310
        request.add_header("Content-Type", "application/json")
        if self.cookies:
            request.add_header("Cookie", "; ".join(f"{name}={morsel.value}" for name, morsel in self.cookies.items()))
        for key, value in meta_headers.items():
            request.add_header(key.removeprefix("HTTP_").replace("_", "-").title(), value)
        try:
            with urllib.request.urlopen(request, timeout=60) as response:  # noqa: S310 (our own server)
                return self.read(response, response.status)
        except urllib.error.HTTPError as error:
            return self.read(error, error.code)

    def read(self, response, status: int) -> HttpResponse:
        cookies = SimpleCookie()
        for header in response.headers.get_all("Set-Cookie") or []:
            cookies.load(header)
        for name, morsel in cookies.items():
            if morsel["max-age"] == "0" or not morsel.value:
                self.cookies.pop(name, None)
            else:
                self.cookies[name] = morsel.value
        raw = response.read()
        is_json = "json" in (response.headers.get("Content-Type") or "")
        body = json.loads(raw) if raw and is_json else {}
        return HttpResponse(status_code=status, data=body, cookies=cookies, headers=dict(response.headers))


class AuthSession:
    """One user's session through the real endpoints, in this project's storage mode."""

    def __init__(self, client, new_client: Callable):
        self.client = client
        self.new_client = new_client  # another client of the same kind: another browser
        self.access: str | None = None
        self.body_refresh: str | None = None

    def login(self, username: str = "alice", password: str = PASSWORD):
        response = self.client.post("/api/token/", {"username": username, "password": password}, format="json")
        self.remember(response)
        return response

    @property
    def refresh_token(self) -> str | None:
        """Return the refresh token the client holds (cookie or body)."""
        if COOKIE_MODE:
            cookie = self.client.cookies.get(refresh_cookie_name())
            return cookie.value if cookie else None
        return self.body_refresh

    def refresh(self, refresh_token: str | None = None):
        """Refresh with the held token; with `refresh_token`, as this client holding that one instead."""
        if COOKIE_MODE and refresh_token is not None:
            self.client.cookies[refresh_cookie_name()] = refresh_token
        response = self.post_refresh(self.client, self.body_refresh if refresh_token is None else refresh_token)
        self.remember(response)
        return response

    def refresh_elsewhere(self, refresh_token: str):
        """Refresh with `refresh_token` from another client (holding this one's CSRF cookie); change nothing here.

        Safe from several threads at once: each call has a client of its own.
        """
        client = self.new_client()
        if COOKIE_MODE:
            client.cookies[CSRF_COOKIE] = self.csrf_token()
            client.cookies[refresh_cookie_name()] = refresh_token
        return self.post_refresh(client, refresh_token)

    def post_refresh(self, client, body_refresh: str | None):
        """POST to the refresh endpoint from `client`: its cookie and the CSRF pair, or the token in the body."""
        if not COOKIE_MODE:
            return client.post("/api/token/refresh/", {"refresh": body_refresh}, format="json")
        if CSRF_COOKIE not in client.cookies:
            client.cookies[CSRF_COOKIE] = self.csrf_token()
        csrf = {"HTTP_X_CSRFTOKEN": client.cookies[CSRF_COOKIE].value}
        return client.post("/api/token/refresh/", {}, format="json", **csrf)

    def logout(self, path: str = "/api/auth/logout/", refresh_token: str | None = None):
        """Log out with the held access token (and the refresh token, in local_storage mode)."""
        body = logout_body(path, refresh_token or self.body_refresh)
        return self.client.post(path, body, format="json", **self.auth_header(), **self.csrf_header())

    def get(self, path: str, access: str | None = None):
        """GET `path` with the held access token, or with `access`."""
        return self.client.get(path, **self.auth_header(access))

    def delete(self, path: str, access: str | None = None):
        """DELETE `path` with the held access token, or with `access`."""
        return self.client.delete(path, **self.auth_header(access))

    def auth_header(self, access: str | None = None) -> dict:
        return {"HTTP_AUTHORIZATION": f"Bearer {access or self.access}"}

    def csrf_token(self) -> str:
        """Return the CSRF token a page holds in cookie mode, fetching the cookie if needed."""
        if CSRF_COOKIE not in self.client.cookies:
            self.client.get(CSRF_ENDPOINT)
        return self.client.cookies[CSRF_COOKIE].value

    def csrf_header(self) -> dict:
        """Return the X-CSRFToken header a page sends in cookie mode; body mode has no cookie to guard."""
        return {"HTTP_X_CSRFTOKEN": self.csrf_token()} if COOKIE_MODE else {}

    def remember(self, response) -> None:
        if response.status_code == 200:
            self.access = response.data["access"]
            self.body_refresh = response.data.get("refresh", self.body_refresh)


def http_session(base_url: str) -> AuthSession:
    """Return an AuthSession against the live server at `base_url`."""
    return AuthSession(HttpClient(base_url), lambda: HttpClient(base_url))
