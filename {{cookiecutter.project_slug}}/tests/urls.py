"""The test settings' URLconf: the project's URLs, plus what only the tests call.

POST /api/echo/ gives the browser tests a write to replay: the client replays a POST only
when its token was refused, and the tests count the requests by an X-Request-Id header to
prove nothing is sent twice or lost. It is left out of the OpenAPI schema.
"""

from django.urls import path
from drf_spectacular.utils import extend_schema
from rest_framework.exceptions import ParseError
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from config.urls import handler400, handler404, handler500
from config.urls import urlpatterns as project_urlpatterns
from {{ cookiecutter.project_slug }}.core.parsers import LimitedJSONParser

__all__ = ["handler400", "handler404", "handler500", "urlpatterns"]


@extend_schema(exclude=True)
class EchoView(APIView):
    """POST any JSON object or form (multipart included); get it back with the caller's id."""

    parser_classes = (LimitedJSONParser, FormParser, MultiPartParser)

    def post(self, request):
        if not hasattr(request.data, "items"):
            raise ParseError("Send a JSON object or a form.")
        received = {key: str(value) for key, value in request.data.items()}
        return Response({"received": received, "user_id": request.user.pk})


urlpatterns = [
    path("api/echo/", EchoView.as_view(), name="echo"),
    *project_urlpatterns,
]
