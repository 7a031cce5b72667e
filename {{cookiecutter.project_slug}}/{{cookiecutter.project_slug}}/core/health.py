"""GET /api/health/: can this process answer correctly? For load balancers and orchestrators.

The database is required (it holds users and sessions); the cache is not (the project
answers from the database while it is down), so a cache outage is 200 "degraded", a
database outage 503. No authentication, no secrets, two cheap round trips.
"""

from django.core.cache import caches
from django.db import DatabaseError, connection
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from .cache import CACHE_ERRORS

OK, UNAVAILABLE = "ok", "unavailable"
PROBE_KEY = "health:probe"


def database_state() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except DatabaseError:
        return UNAVAILABLE
    return OK


def cache_state() -> str:
    try:
        for alias in ("default", "revocations"):
            caches[alias].get(PROBE_KEY)
    except (*CACHE_ERRORS, DatabaseError):
        return UNAVAILABLE
    return OK


def overall(database: str, cache: str) -> str:
    if database != OK:
        return UNAVAILABLE
    return OK if cache == OK else "degraded"


OVERALL = serializers.ChoiceField(choices=[OK, "degraded", UNAVAILABLE])
STATE = serializers.ChoiceField(choices=[OK, UNAVAILABLE])
HEALTH = inline_serializer("Health", fields={"status": OVERALL, "database": STATE, "cache": STATE})


@extend_schema(responses={200: HEALTH, 503: HEALTH})
class HealthView(APIView):
    """Answer 200 while the service can answer correctly (also when degraded: the cache is down), else 503."""

    authentication_classes = ()
    permission_classes = (AllowAny,)
    throttle_classes = ()

    def get(self, request):
        database, cache = database_state(), cache_state()
        state = overall(database, cache)
        status = 503 if state == UNAVAILABLE else 200
        return Response({"status": state, "database": database, "cache": cache}, status=status)
