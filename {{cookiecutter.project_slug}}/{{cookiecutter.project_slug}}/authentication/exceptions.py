"""Why a token or session was refused: 401 errors with stable codes the client can switch on."""

from rest_framework import status
from rest_framework.exceptions import APIException, AuthenticationFailed, NotFound


class TokenRefused(AuthenticationFailed):
    """A token that cannot be used (bad, expired, spent or from an ended session)."""

    default_detail = "Token is invalid or expired."
    default_code = "token_not_valid"


class TokenBlacklisted(TokenRefused):
    default_detail = "Token is blacklisted."
    default_code = "token_blacklisted"


class TokenReused(TokenRefused):
    """A spent refresh token came back: the session is revoked (RFC 9700 section 4.14.2)."""

    default_detail = "Refresh token was already used; the session has been revoked. Sign in again."
    default_code = "token_reused"


class WrongTokenType(TokenRefused):
    """A valid token of another type than the endpoint takes (a refresh token sent to verify)."""

    default_detail = "Only access tokens are verified here."
    default_code = "wrong_token_type"


class SessionRevoked(TokenRefused):
    default_detail = "The session has ended. Sign in again."
    default_code = "session_revoked"


class SessionExpired(TokenRefused):
    default_detail = "The session has reached its maximum age. Sign in again."
    default_code = "session_expired"


class UserInactive(TokenRefused):
    default_detail = "No active account found for the given token."
    default_code = "user_inactive"


class SessionNotFound(NotFound):
    """No open session of the caller has this id: unknown, ended, or another user's (one answer for all)."""

    default_detail = "You have no open session with this id."
    default_code = "session_not_found"


class RefreshTokenMissing(APIException):
    status_code = status.HTTP_400_BAD_REQUEST
    default_detail = "No refresh token was sent."
    default_code = "refresh_token_missing"


class RefreshCookieDuplicated(APIException):
    """The refresh cookie's name came twice: a stale or planted copy beside the real one (cookie tossing)."""

    status_code = status.HTTP_400_BAD_REQUEST
    default_detail = "More than one refresh cookie was sent; both are refused and the cookie is cleared. Sign in again."
    default_code = "refresh_cookie_duplicated"


class TokenNotOwned(APIException):
    status_code = status.HTTP_403_FORBIDDEN
    default_detail = "This refresh token belongs to another user."
    default_code = "token_not_owned"
