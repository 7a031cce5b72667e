"""httponly_cookie mode: the refresh token lives in a cookie that page scripts cannot read.

https://developer.mozilla.org/en-US/docs/Web/HTTP/Cookies#restrict_access_to_cookies
"""

from django.conf import settings
from django.middleware.csrf import get_token
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.authentication import SessionAuthentication
from rest_framework.exceptions import PermissionDenied
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from .exceptions import RefreshCookieDuplicated, RefreshTokenMissing, TokenRefused
from .serializers import EMPTY_BODY_REQUEST, MAX_TOKEN_LENGTH, TokenResponseSerializer, validate_empty_body
from .tokens import family_of

COOKIE_NAME = "refresh_token"
# Without the prefix (plain http, in development) only the refresh endpoint is sent the cookie.
COOKIE_PATH = "/api/token/refresh/"
# The __Host- prefix requires Path=/.
HOST_COOKIE_PATH = "/"


def cookie_name() -> str:
    """Return the cookie's name: with the __Host- prefix whenever the cookie is Secure.

    Browsers accept a __Host- cookie only if it is Secure, set over https, for Path=/ and
    with no Domain, so no other host (a sibling subdomain) can set one for this API: no
    cookie tossing. It costs the narrow path: the cookie goes with every request to this
    host, where only the refresh endpoint reads it (HttpOnly and SameSite all the same).
    https://datatracker.ietf.org/doc/html/draft-ietf-httpbis-rfc6265bis#name-the-__host-prefix
    """
    return f"__Host-{COOKIE_NAME}" if settings.JWT_REFRESH_COOKIE_SECURE else COOKIE_NAME


def cookie_path() -> str:
    """Return the cookie's path: / with the __Host- prefix, else the refresh endpoint's."""
    return HOST_COOKIE_PATH if settings.JWT_REFRESH_COOKIE_SECURE else COOKIE_PATH


def only_cookie_value(request, name: str) -> str | None:
    """Return the value of the one cookie of this name in the Cookie header, or None.

    Two of them mean a stale copy or a planted one (cookie tossing: a sibling subdomain can
    set a cookie for the parent domain, or a more specific path, and the browser sends it
    too). Taking either could sign the user into someone else's session, so neither is taken.
    """
    values = []
    for pair in request.META.get("HTTP_COOKIE", "").split(";"):
        key, _, value = pair.strip().partition("=")
        if key == name:
            values.append(value.strip())
    if len(values) > 1:
        raise RefreshCookieDuplicated()
    return values[0] if values else None


def csrf_token(request) -> str:
    """Return a CSRF token for the refresh and logout calls to come, setting the csrftoken cookie.

    A page on another host (app.example.com calling api.example.com) cannot read the API's
    cookies, so the token is handed over in the body too; the client keeps it in memory.
    """
    return get_token(request)


def enforce_csrf(request) -> None:
    """Refuse the request unless it echoes the csrftoken cookie in X-CSRFToken (403 `csrf_failed`).

    A cookie is sent with cross-site requests too; the CSRF token proves the page that
    asks is ours. DRF's own check, the one its SessionAuthentication makes, given the code
    the client switches on. https://www.django-rest-framework.org/topics/ajax-csrf-cors/
    """
    try:
        SessionAuthentication().enforce_csrf(request)
    except PermissionDenied as refused:
        raise PermissionDenied(str(refused.detail), code="csrf_failed") from refused


# Marked optional so Swagger UI does not ask for it: on this site it adds the header itself
# (drf-spectacular's request interceptor). Any other client must send it.
CSRF_HEADER_PARAMETER = OpenApiParameter(
    "X-CSRFToken",
    str,
    OpenApiParameter.HEADER,
    description="The value of the csrftoken cookie (Django's CSRF protection); without it the answer "
    "is 403. Swagger UI on this site sends it for you.",
)
REFRESH_COOKIE_PARAMETER = OpenApiParameter(
    COOKIE_NAME,
    str,
    OpenApiParameter.COOKIE,
    description="The refresh token, set by POST /api/token/ as an HttpOnly cookie (named "
    "__Host-refresh_token, for Path=/, when Secure). Sent more than once, it is refused.",
)


CSRF_TOKEN_FIELD = serializers.CharField(
    help_text="Send it back as the X-CSRFToken header on refresh and logout. The same value as the "
    "csrftoken cookie, which a page on another host than the API cannot read."
)


class CookieTokenResponseSerializer(TokenResponseSerializer):
    """What signing in and refreshing answer in httponly_cookie mode."""

    csrf_token = CSRF_TOKEN_FIELD


@extend_schema(responses={200: inline_serializer("CsrfToken", fields={"csrf_token": CSRF_TOKEN_FIELD})})
class CsrfTokenView(APIView):
    """GET a CSRF token (and the csrftoken cookie) before refreshing, e.g. after a page reload.

    Only pages of the origins in CORS_ALLOWED_ORIGINS can read the answer, which is what keeps
    the token from other sites.
    """

    authentication_classes = ()
    permission_classes = (AllowAny,)

    def get(self, request):
        return Response({"csrf_token": csrf_token(request)})


class CookieTransport:
    """httponly_cookie mode: the refresh token travels in an HttpOnly, SameSite cookie."""

    storage = "httponly_cookie"
    # How the OpenAPI schema describes what the refresh and logout requests carry: `{}` or nothing.
    request_schema = EMPTY_BODY_REQUEST
    response_schema = CookieTokenResponseSerializer
    schema_parameters = [CSRF_HEADER_PARAMETER, REFRESH_COOKIE_PARAMETER]
    logout_schema_parameters = [CSRF_HEADER_PARAMETER]  # logout is never sent the cookie

    def read(self, request) -> str:
        """Return the refresh token from the cookie, after the CSRF check and a look at the body."""
        enforce_csrf(request)
        validate_empty_body(request)  # nothing belongs there; anything sent is a client bug
        raw = only_cookie_value(request, cookie_name())
        if not raw:
            raise RefreshTokenMissing()
        if len(raw) > MAX_TOKEN_LENGTH:  # the same bound as a token in a body or a header
            raise TokenRefused("Token is too long.")
        return raw

    def write(self, request, response, issued) -> None:
        """Hand over the CSRF token, and set (or, after rotation, replace) the cookie for as long as the token lives."""
        response.data["csrf_token"] = csrf_token(request)
        if issued.refresh is None:
            return
        max_age = max(0, int(issued.refresh["exp"] - issued.refresh["iat"]))
        response.set_cookie(
            cookie_name(),
            issued.refresh_jwt,
            max_age=max_age,
            path=cookie_path(),
            secure=settings.JWT_REFRESH_COOKIE_SECURE,
            httponly=True,
            samesite=settings.JWT_REFRESH_COOKIE_SAMESITE,
        )

    def clear(self, response) -> None:
        """Delete the cookie (the browser drops it on an expired copy)."""
        response.delete_cookie(cookie_name(), path=cookie_path(), samesite=settings.JWT_REFRESH_COOKIE_SAMESITE)

    def session_to_end(self, request) -> str:
        """Return the caller's own session: the family of the access token, after the CSRF and body checks.

        The cookie is only sent to the refresh endpoint, and logout needs no token from the
        client: the access token already names the caller's session.
        """
        enforce_csrf(request)
        validate_empty_body(request)
        return family_of(request.auth)  # the access token that authenticated this request
