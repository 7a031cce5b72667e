"""The protected example endpoint and the demo page that shows the JavaScript client at work."""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.views.decorators.csrf import ensure_csrf_cookie
from django.views.generic import TemplateView
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.exceptions import ParseError
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from {{ cookiecutter.project_slug }}.authentication.transport import refresh_transport
from {{ cookiecutter.project_slug }}.core.parsers import LimitedJSONParser


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


class EchoSerializer(serializers.Serializer):
    received = serializers.DictField(help_text="The fields of the JSON or form body, as received.")
    user_id = serializers.IntegerField()


@extend_schema(request=OpenApiTypes.OBJECT, responses={200: EchoSerializer})
class EchoView(APIView):
    """POST any JSON object or form (multipart included); get it back. An example of a write.

    The client replays a POST only when its token was refused; the browser tests count
    these by an X-Request-Id header to prove nothing is sent twice or lost.
    """

    parser_classes = (LimitedJSONParser, FormParser, MultiPartParser)

    def post(self, request):
        if not hasattr(request.data, "items"):
            raise ParseError("Send a JSON object or a form.")
        received = {key: str(value) for key, value in request.data.items()}
        return Response({"received": received, "user_id": request.user.pk})


class DemoPageView(TemplateView):
    """The demo page: sign in, call /api/me/, watch the token refresh itself."""

    template_name = "demo/index.html"

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "refresh_storage": refresh_transport.storage}


demo_page = ensure_csrf_cookie(DemoPageView.as_view())
