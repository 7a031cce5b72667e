"""The /api/me/ variants the benchmark needs besides the project's own MeView."""

import importlib
import time
from types import SimpleNamespace

from django.conf import settings
from rest_framework.permissions import AllowAny
from rest_framework.response import Response

from bench import BENCH_USER_ID, BENCH_USERNAME, project_package

# The project's own /api/me/ view, whatever its package is called.
MeView = importlib.import_module(f"{project_package()}.users.views").MeView


class UnauthenticatedMeView(MeView):
    """MeView with authentication off: the baseline that the JWT-authenticated GETs are compared with.

    The view's own code runs unchanged, on a user and claims fixed here instead of read
    from a token.
    """

    authentication_classes = ()
    permission_classes = (AllowAny,)

    def perform_authentication(self, request) -> None:
        claims = {name: BENCH_USERNAME if name == "username" else "" for name in settings.JWT_CUSTOM_CLAIMS}
        request.user = SimpleNamespace(pk=BENCH_USER_ID, is_authenticated=True)
        request.auth = {**claims, "exp": int(time.time()) + 900}


class StockMeView(MeView):
    """MeView under stock simplejwt, whose tokens carry no user claims.

    Stock authentication has already loaded the user from the database, so the username
    comes from it rather than from a second query (which MeView would make).
    """

    def get(self, request):
        claims = {name: request.auth.get(name) for name in settings.JWT_CUSTOM_CLAIMS}
        return Response(
            {
                "id": request.user.pk,
                "username": request.user.get_username(),
                "claims": claims,
                "expires_at": request.auth["exp"],
            }
        )
