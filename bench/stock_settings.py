"""The comparison: stock simplejwt views and authentication, with the settings most tutorials use.

Everything else (database, connections, cache, middleware, hasher, signing key and
algorithm, gunicorn) is the same as for this project, so only the auth code differs.
"""

from datetime import timedelta

from bench.settings import *  # noqa: F403
from bench.settings import INSTALLED_APPS, REST_FRAMEWORK, SIMPLE_JWT

BENCH_VARIANT = "stock"
ROOT_URLCONF = "bench.stock_urls"

BLACKLIST_APP = "rest_framework_simplejwt.token_blacklist"
if BLACKLIST_APP not in INSTALLED_APPS:
    INSTALLED_APPS = [*INSTALLED_APPS, BLACKLIST_APP]

REST_FRAMEWORK = {
    **REST_FRAMEWORK,
    "DEFAULT_AUTHENTICATION_CLASSES": ("rest_framework_simplejwt.authentication.JWTAuthentication",),
}

SIMPLE_JWT = {
    "ACCESS_TOKEN_LIFETIME": timedelta(minutes=15),
    "REFRESH_TOKEN_LIFETIME": timedelta(days=7),
    "ROTATE_REFRESH_TOKENS": True,
    "BLACKLIST_AFTER_ROTATION": True,
    "AUTH_HEADER_TYPES": ("Bearer",),
    # The same algorithm and keys as this project, so signing costs the same.
    "ALGORITHM": SIMPLE_JWT["ALGORITHM"],
    "SIGNING_KEY": SIMPLE_JWT["SIGNING_KEY"],
    "VERIFYING_KEY": SIMPLE_JWT.get("VERIFYING_KEY", ""),
}
