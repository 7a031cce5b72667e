"""Settings for the test suite: fast hashing, an in-process cache, no .env needed."""

from .base import *  # noqa: F403
from .base import SIMPLE_JWT, env

SECRET_KEY = env("DJANGO_SECRET_KEY", default="test-only-secret-key-not-for-production-use-0123456789")
{%- if cookiecutter.signing_algorithm == "RS256" %}
if not SIMPLE_JWT["SIGNING_KEY"]:
    # A fresh clone has no keys/ (it is git-ignored): sign with a throwaway pair.
    from {{ cookiecutter.project_slug }}.authentication.keys import generate_key_pair

    JWT_PRIVATE_KEY, JWT_PUBLIC_KEY = generate_key_pair()
    SIMPLE_JWT.update(SIGNING_KEY=JWT_PRIVATE_KEY, VERIFYING_KEY=JWT_PUBLIC_KEY)
{%- else %}
SIMPLE_JWT["SIGNING_KEY"] = env("JWT_SIGNING_KEY", default=SECRET_KEY)
{%- endif %}

# A deliberately weak hasher: tests create many users and log in often.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

# Serve static files straight from the source folders; nothing is collected in tests.
STATIC_ROOT = None
WHITENOISE_USE_FINDERS = True

# The project's URLs plus the test-only ones (tests/urls.py).
ROOT_URLCONF = "tests.urls"
{%- if cookiecutter.include_demo == "yes" %}

# The browser tests drive the demo page.
SERVE_DEMO = True
{%- endif %}

# One process, one cache. Live-server tests run several processes with
# TEST_LOCAL_CACHE=false: they share Redis (REDIS_URL) or the database cache, as in base.
if env.bool("TEST_LOCAL_CACHE", default=True):
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
        # Apart from "default" and as roomy as in base (a LocMemCache's LOCATION names its store).
        "revocations": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "revocations",
            "OPTIONS": {"MAX_ENTRIES": 1_000_000},
        },
    }
    JWT_REVOCATION_PUBSUB = False  # a local cache publishes nothing, whatever REDIS_URL says
{%- if cookiecutter.refresh_token_storage == "httponly_cookie" %}

# The test client speaks plain http.
JWT_REFRESH_COOKIE_SECURE = False
{%- endif %}
