"""/api/app/: sign-in, refresh and logout for clients that are not browsers (mobile apps, scripts, CLIs).

The refresh token travels in JSON bodies, as in local_storage mode: no cookie is set or read, so
no CSRF token is needed (CSRF is an attack through cookies a browser sends by itself). Sessions,
rotation, reuse detection, throttles and the cap per user are the same as on the cookie endpoints:
only the carrier differs. Browsers must not use these: a refresh token a page's scripts can read
is one XSS bug away from being stolen, which is what the HttpOnly cookie prevents.
"""

from drf_spectacular.utils import OpenApiResponse, extend_schema

from .body import BodyTransport
from .serializers import LoginSerializer, RefreshTokenSerializer, TokenResponseSerializer
from .views import LogoutView, ObtainTokenView, RefreshTokenView

body_transport = BodyTransport()


@extend_schema(request=LoginSerializer, responses={200: TokenResponseSerializer}, parameters=[])
class AppObtainTokenView(ObtainTokenView):
    """POST username and password; get an access token and a refresh token, both in the body. Not for browsers."""

    transport = body_transport


@extend_schema(request=RefreshTokenSerializer, responses={200: TokenResponseSerializer}, parameters=[])
class AppRefreshTokenView(RefreshTokenView):
    """POST `refresh`; get a new access token and, with rotation, a new `refresh` in the body. No cookie, no CSRF."""

    transport = body_transport


@extend_schema(
    request=RefreshTokenSerializer,
    parameters=[],
    responses={205: OpenApiResponse(description="Logged out; nothing to return.")},
)
class AppLogoutView(LogoutView):
    """POST your `refresh` token with the access token to end this session."""

    transport = body_transport
