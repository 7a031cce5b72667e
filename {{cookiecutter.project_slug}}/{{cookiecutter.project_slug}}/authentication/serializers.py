"""Request bodies of the auth endpoints, validated before any token is touched."""

from django.contrib.auth import authenticate, get_user_model
from rest_framework import serializers
from rest_framework.exceptions import AuthenticationFailed, Throttled

from .models import TokenFamily
from .throttling import FailedSignInLimit

# Far longer than any token this project issues, far shorter than a request that tries
# to make the server parse megabytes of "token".
MAX_TOKEN_LENGTH = 8192
# Long enough for any passphrase; short enough that hashing it cannot be used to burn CPU.
MAX_PASSWORD_LENGTH = 1024


class StrictSerializer(serializers.Serializer):
    """A serializer that refuses fields it does not know, instead of silently ignoring them."""

    def validate(self, attrs):
        unknown = sorted(set(self.initial_data) - set(self.fields))
        if unknown:
            raise serializers.ValidationError(dict.fromkeys(unknown, "Unknown field."), code="unknown_field")
        return attrs


class EmptyBodySerializer(StrictSerializer):
    """No fields: the body of a request whose credentials travel elsewhere (a cookie, the access token)."""


# What the OpenAPI schema declares for those requests. drf-spectacular leaves a serializer
# without fields out of the schema entirely, which would not say that `{}` is welcome.
EMPTY_BODY_REQUEST = {
    "application/json": {
        "type": "object",
        "additionalProperties": False,
        "maxProperties": 0,
        "description": "An empty object, or no body at all: any field is refused with 400 `invalid`.",
    }
}


def validate_empty_body(request) -> None:
    """Refuse any body but none or `{}`, with the codes every other endpoint gives a bad body."""
    EmptyBodySerializer(data=request.data).is_valid(raise_exception=True)


class LoginSerializer(StrictSerializer):
    """Username and password; `validate` returns the authenticated, active user."""

    username = serializers.CharField(max_length=get_user_model()._meta.get_field("username").max_length)
    password = serializers.CharField(max_length=MAX_PASSWORD_LENGTH, trim_whitespace=False, write_only=True)

    def validate(self, attrs):
        attrs = super().validate(attrs)
        account = FailedSignInLimit(attrs["username"])
        if account.is_spent():  # before the password is checked: no oracle, no hashing
            raise Throttled(account.wait())
        # A failure is counted by count_failed_sign_in (signals.py), for the admin's form too.
        user = authenticate(self.context.get("request"), username=attrs["username"], password=attrs["password"])
        if user is None or not user.is_active:
            # The same answer for an unknown user and a wrong password.
            raise AuthenticationFailed("No active account found with the given credentials.", "no_active_account")
        return {"user": user}


class RefreshTokenSerializer(StrictSerializer):
    """A refresh token in the request body (local_storage mode)."""

    refresh = serializers.CharField(max_length=MAX_TOKEN_LENGTH)


class VerifySerializer(StrictSerializer):
    """An access token, to check its signature, expiry and revocation."""

    token = serializers.CharField(max_length=MAX_TOKEN_LENGTH)


class SessionSerializer(serializers.ModelSerializer):
    """One of the caller's open sessions, as GET /api/auth/sessions/ lists it."""

    current = serializers.SerializerMethodField(help_text="Whether this is the session of the token making the call.")

    class Meta:
        model = TokenFamily
        fields = ("id", "created_at", "last_used_at", "expires_at", "user_agent", "ip_address", "current")

    def get_current(self, family: TokenFamily) -> bool:
        return str(family.pk) == self.context["current_session_id"]


class TokenResponseSerializer(serializers.Serializer):
    """What signing in and refreshing answer."""

    access = serializers.CharField(help_text="The access token: send it as `Authorization: Bearer <access>`.")
    expires_in = serializers.IntegerField(help_text="Seconds the access token lives, from now.")
    refresh = serializers.CharField(
        required=False,
        help_text="local_storage mode only: the new refresh token, when one was issued. "
        "In httponly_cookie mode it is set as a cookie instead and never appears here.",
    )
