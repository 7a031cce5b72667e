"""GET /api/me/: who the access token belongs to, the endpoint every API wants."""

from django.conf import settings
from django.contrib.auth import get_user_model
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView


class MeSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    username = serializers.CharField()
    claims = serializers.DictField(help_text="The user fields copied into the token (JWT_CUSTOM_CLAIMS).")
    expires_at = serializers.IntegerField(help_text="When the access token expires, in seconds since the epoch.")


@extend_schema(responses={200: MeSerializer})
class MeView(APIView):
    """GET the signed-in user's id, username and token claims (requires an access token).

    Everything comes from the token, so the request costs no query, unless the username
    is not one of the claims.
    """

    def get(self, request):
        claims = {name: request.auth.get(name) for name in settings.JWT_CUSTOM_CLAIMS}
        return Response(
            {
                "id": request.user.pk,
                "username": claims.get("username") or username_of(request.user.pk),
                "claims": claims,
                "expires_at": request.auth["exp"],
            }
        )


def username_of(user_id) -> str:
    """Return the username of this user from the database."""
    user_model = get_user_model()
    return user_model.objects.values_list(user_model.USERNAME_FIELD, flat=True).get(pk=user_id)
