"""Brute-force limits on signing in and refreshing, counted in Django's cache per client IP.

https://www.django-rest-framework.org/api-guide/throttling/
"""

import math

from django.conf import settings
from django.contrib import admin
from django.http import HttpResponse
from rest_framework.throttling import ScopedRateThrottle, SimpleRateThrottle


class AuthRateThrottle(ScopedRateThrottle):
    """DRF's scoped throttle, with its rates read from JWT_THROTTLE_RATES at request time.

    Over the limit DRF answers 429 with a Retry-After header.
    """

    def get_rate(self) -> str | None:
        return settings.JWT_THROTTLE_RATES.get(self.scope)


class AdminLoginThrottle(AuthRateThrottle):
    """Attempts through the admin's login form, counted with POST /api/token/'s (one key per
    client IP), so the admin is no way around the sign-in limit."""

    scope = "login"

    def allow_request(self, request, view) -> bool:
        # ScopedRateThrottle takes its scope from a DRF view; the admin has none.
        self.rate = self.get_rate()
        self.num_requests, self.duration = self.parse_rate(self.rate)
        return SimpleRateThrottle.allow_request(self, request, view)


def throttled_admin_login(request, **kwargs):
    """Return the admin's login view, or 429 with Retry-After once the sign-in limit is spent."""
    if request.method == "POST":
        throttle = AdminLoginThrottle()
        if not throttle.allow_request(request, None):
            retry_after = math.ceil(throttle.wait() or 1)
            message = "Too many sign-in attempts; try again later."
            return HttpResponse(message, status=429, content_type="text/plain", headers={"Retry-After": retry_after})
    return admin.site.login(request, **kwargs)
