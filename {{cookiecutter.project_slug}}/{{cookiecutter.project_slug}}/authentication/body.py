"""local_storage mode: the refresh token travels in JSON bodies, as in stock simplejwt."""

from .exceptions import TokenNotOwned
from .serializers import RefreshTokenSerializer, TokenResponseSerializer
from .tokens import RefreshToken, decode_token, typed_user_id


class BodyTransport:
    """Carry the refresh token in the JSON bodies of sign-in, refresh and logout."""

    storage = "local_storage"
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
        token = decode_token(RefreshToken, self.read(request))
        if typed_user_id(token) != request.user.pk:
            raise TokenNotOwned()
        return token.family_id
