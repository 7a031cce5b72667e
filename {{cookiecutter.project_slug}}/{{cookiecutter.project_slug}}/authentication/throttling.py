"""Brute-force limits on signing in and refreshing, counted in Django's cache per client IP.

https://www.django-rest-framework.org/api-guide/throttling/
"""

from django.conf import settings
from rest_framework.throttling import ScopedRateThrottle


class AuthRateThrottle(ScopedRateThrottle):
    """DRF's scoped throttle, with its rates read from JWT_THROTTLE_RATES at request time.

    Over the limit DRF answers 429 with a Retry-After header.
    """

    def get_rate(self) -> str | None:
        return settings.JWT_THROTTLE_RATES.get(self.scope)
