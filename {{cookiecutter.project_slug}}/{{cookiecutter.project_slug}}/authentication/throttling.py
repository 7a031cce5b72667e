"""Brute-force limits on signing in, refreshing and verifying, counted in Django's cache per
client IP; and failed sign-ins, counted per account.

https://www.django-rest-framework.org/api-guide/throttling/

While the cache cannot be reached, each process counts on its own (in memory) instead of
answering 500 or letting everything through: the limit then holds per process, so N
processes allow up to N times the rate until the cache is back.
"""

import hashlib
import math
from types import SimpleNamespace

from django.conf import settings
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.core.cache.backends.locmem import LocMemCache
from django.http import HttpResponse
from rest_framework.throttling import ScopedRateThrottle, SimpleRateThrottle

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


class FailedSignInLimit(SimpleRateThrottle):
    """Failed sign-ins of one account, from any address: JWT_THROTTLE_RATES["login_account"].

    The per-IP limit alone lets someone with many addresses guess one account's password
    from all of them. Counted for any username, known or not, and checked before the
    password is, so the answer (429 `throttled` with Retry-After, as DRF's throttles give)
    tells nothing of whether the account exists. A success resets nothing: the count runs
    out with its period, so nobody's sign-in buys anyone more guesses.
    """

    scope = "login_account"

    def __init__(self, username: str) -> None:
        # Not SimpleRateThrottle.__init__: it reads DRF's rates, and the key is not the request's.
        self.rate = settings.JWT_THROTTLE_RATES.get(self.scope)
        self.num_requests, self.duration = self.parse_rate(self.rate)
        self.key = self.cache_format % {"scope": self.scope, "ident": account_ident(username)}

    def is_spent(self) -> bool:
        """Return whether the account has used up its failures for now (sets what wait() reads)."""
        if self.rate is None:
            return False
        self.now = self.timer()
        stored = self.on_counting_cache(lambda cache: cache.get(self.key, []))
        self.history = [moment for moment in stored if moment > self.now - self.duration]
        return len(self.history) >= self.num_requests

    def record_failure(self) -> None:
        if self.rate is None:
            return
        self.is_spent()  # reads the current history
        self.history.insert(0, self.now)
        self.on_counting_cache(lambda cache: cache.set(self.key, self.history, self.duration))

    def on_counting_cache(self, action):
        """Return action(cache) on the shared cache, or on this process's counts while it is down."""
        if not outage.skip():
            try:
                result = action(self.cache)
                outage.succeeded()
                return result
            except CACHE_ERRORS as error:
                outage.failed(error)
        return action(local_counts)


def account_ident(username: str) -> str:
    """Return the cache key part for a username: normalised as Django does, case-folded, hashed.

    One account, however its name is spelled (Alice, ALICE, a full-width A); hashed, so the
    key is short and safe for any cache whatever the name holds.
    """
    normalised = get_user_model().normalize_username(username).casefold()
    return hashlib.sha256(normalised.encode()).hexdigest()


def too_many_attempts(wait: float | None) -> HttpResponse:
    retry_after = math.ceil(wait or 1)
    message = "Too many sign-in attempts; try again later."
    return HttpResponse(message, status=429, content_type="text/plain", headers={"Retry-After": retry_after})


def throttled_admin_login(request, **kwargs):
    """Return the admin's login view, or 429 with Retry-After once a sign-in limit is spent.

    Attempts through the form count with POST /api/token/'s (one key per client IP), so the
    admin is no way around the sign-in limit, and against the account's failed sign-ins.
    """
    if request.method == "POST":
        throttle = AuthRateThrottle()
        if not throttle.allow_request(request, ADMIN_LOGIN):
            return too_many_attempts(throttle.wait())
        account = FailedSignInLimit(request.POST.get("username", ""))
        if account.is_spent():
            return too_many_attempts(account.wait())
    return admin.site.login(request, **kwargs)
