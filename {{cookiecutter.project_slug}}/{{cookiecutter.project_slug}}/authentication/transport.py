"""How the refresh token travels between browser and server, chosen by JWT_REFRESH_STORAGE.

One interface, two carriers: JSON bodies (local_storage mode, below) or an HttpOnly cookie
(httponly_cookie mode, cookies.py). The views call only this interface.
"""

from django.conf import settings

from .exceptions import TokenNotOwned
from .serializers import RefreshTokenSerializer, TokenResponseSerializer
from .sessions import decode_refresh_token
from .tokens import family_of, typed_user_id


class BodyTransport:
    """local_storage mode: the refresh token travels in JSON bodies, as in stock simplejwt."""

    # How the OpenAPI schema describes what the refresh and logout requests carry.
    request_schema = RefreshTokenSerializer
    response_schema = TokenResponseSerializer
    schema_parameters = []
    logout_schema_parameters = []

    def read(self, request) -> str:
        """Return the refresh token sent with the request."""
        serializer = RefreshTokenSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        return serializer.validated_data["refresh"]

    def write(self, request, response, issued) -> None:
        """Hand a newly issued refresh token (if any) to the client."""
        if issued.refresh is not None:
            response.data["refresh"] = issued.refresh_jwt

    def clear(self, response) -> None:
        """Nothing to clear: the client forgets its own copy."""

    def session_to_end(self, request) -> str:
        """Return the session family of the caller's refresh token that logout should end."""
        token = decode_refresh_token(self.read(request))
        if typed_user_id(token) != request.user.pk:
            raise TokenNotOwned()
        return token.family_id


def access_token_family(request) -> str:
    """Return the session family of the access token that authenticated this request."""
    return family_of(request.auth)


def refresh_transport():
    """Return the carrier for this project's refresh-token storage mode."""
    if settings.JWT_REFRESH_STORAGE == "httponly_cookie":
        from .cookies import CookieTransport

        return CookieTransport()
    return BodyTransport()
