"""Brute-force limits on signing in and refreshing, counted in Django's cache per client IP.

https://www.django-rest-framework.org/api-guide/throttling/

While the cache cannot be reached, each process counts on its own (in memory) instead of
answering 500 or letting everything through: the limit then holds per process, so N
processes allow up to N times the rate until the cache is back.
"""

import math
from types import SimpleNamespace

from django.conf import settings
from django.contrib import admin
from django.core.cache.backends.locmem import LocMemCache
from django.http import HttpResponse
from rest_framework.throttling import ScopedRateThrottle

from {{ cookiecutter.project_slug }}.core.cache import CACHE_ERRORS, CacheOutage

outage = CacheOutage("default")
# Where this process counts while the shared cache is down.
local_counts = LocMemCache("throttle-fallback", {"OPTIONS": {"MAX_ENTRIES": 100_000}})
# The admin's login form has no DRF view; it counts in the sign-in scope, per client IP.
ADMIN_LOGIN = SimpleNamespace(throttle_scope="login")


class AuthRateThrottle(ScopedRateThrottle):
    """DRF's scoped throttle, with its rates read from JWT_THROTTLE_RATES at request time.

    Over the limit DRF answers 429 with a Retry-After header.
    """

    def get_rate(self) -> str | None:
        return settings.JWT_THROTTLE_RATES.get(self.scope)

    def allow_request(self, request, view) -> bool:
        """Count in the shared cache, or in this process while the shared cache is down."""
        if not outage.skip():
            try:
                allowed = super().allow_request(request, view)
                outage.succeeded()
                return allowed
            except CACHE_ERRORS as error:
                outage.failed(error)
        self.cache = local_counts
        return super().allow_request(request, view)


def throttled_admin_login(request, **kwargs):
    """Return the admin's login view, or 429 with Retry-After once the sign-in limit is spent.

    Attempts through the form count with POST /api/token/'s (one key per client IP), so the
    admin is no way around the sign-in limit.
    """
    if request.method == "POST":
        throttle = AuthRateThrottle()
        if not throttle.allow_request(request, ADMIN_LOGIN):
            retry_after = math.ceil(throttle.wait() or 1)
            message = "Too many sign-in attempts; try again later."
            return HttpResponse(message, status=429, content_type="text/plain", headers={"Retry-After": retry_after})
    return admin.site.login(request, **kwargs)
