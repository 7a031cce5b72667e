"""Settings shared by every environment; local, test and production override what differs.

https://docs.djangoproject.com/en/stable/ref/settings/
"""

from datetime import timedelta
from pathlib import Path

from .checks import Env, check_range

BASE_DIR = Path(__file__).resolve().parents[2]

env = Env()
# Values in .env fill in what the real environment leaves unset; DJANGO_READ_DOT_ENV=false
# ignores the file (deployments that inject their environment, and tests of them).
if env.bool("DJANGO_READ_DOT_ENV", default=True) and (BASE_DIR / ".env").is_file():
    env.read_env(BASE_DIR / ".env")

# --- Core ---------------------------------------------------------------------------
# Required by local and production settings (they name the variable when it is missing).
SECRET_KEY = env("DJANGO_SECRET_KEY", default="")
DEBUG = env.bool("DJANGO_DEBUG", default=False)
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "corsheaders",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    # Listed before simplejwt's blacklist app so its flushexpiredtokens command wins.
    "{{ cookiecutter.project_slug }}.authentication",
{%- if cookiecutter.token_blacklist == "yes" %}
    "rest_framework_simplejwt.token_blacklist",
{%- endif %}
    "{{ cookiecutter.project_slug }}.users",
    "{{ cookiecutter.project_slug }}.core",
{%- if cookiecutter.include_demo == "yes" %}
    "{{ cookiecutter.project_slug }}.demo",
{%- endif %}
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "corsheaders.middleware.CorsMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# --- Database -----------------------------------------------------------------------
# https://docs.djangoproject.com/en/stable/ref/databases/
{%- if cookiecutter.database == "postgresql" %}
DATABASES = {"default": env.db("DATABASE_URL")}
{%- else %}
DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
# SQLite takes the write lock when a transaction begins (IMMEDIATE), so concurrent
# refreshes queue up instead of failing with "database is locked"; WAL lets readers
# run beside the one writer; synchronous=NORMAL (SQLite's advice for WAL) commits without
# waiting for the disk: a power cut can lose the last commits, never corrupt the file
# (docs/deploying.md). Only for SQLite: a DATABASE_URL may name PostgreSQL.
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
{%- endif %}
# Persistent connections save a connect (and, on SQLite, the PRAGMAs) per request; health
# checks drop dead ones. https://docs.djangoproject.com/en/stable/ref/databases/#persistent-connections
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DATABASE_CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache --------------------------------------------------------------------------
# Revoked sessions are looked up on every authenticated request, so every server process
# must see the same cache: Redis when REDIS_URL is set, the database otherwise. They have
# an alias of their own: throttles count per client IP in "default", and a flood of those
# keys must not make the cache cull revocations (a logged-out access token would work again).
# https://docs.djangoproject.com/en/stable/topics/cache/
REDIS_URL = env("REDIS_URL", default="")
# Without REDIS_URL: tables in the database, which `migrate` creates (core/migrations).
DATABASE_CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "django_cache",
    },
    # A table of its own, culled (expired rows first) only past a million rows.
    "revocations": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "jwt_revocations",
        "OPTIONS": {"MAX_ENTRIES": 1_000_000},
    },
}


def redis_caches(url: str, key_prefix: str = "") -> dict:
    """Return CACHES on one Redis: "default" and "revocations", their keys kept apart.

    clear() deletes only its own alias's keys, so clearing the default cache keeps every
    revocation. Redis must never evict them (maxmemory-policy noeviction, see the README).
    """
    default = {
        "BACKEND": "{{ cookiecutter.project_slug }}.core.cache.RedisCache",
        "LOCATION": url,
        "KEY_PREFIX": key_prefix,
        # Short, so a Redis that stops answering costs a request half a second, not a hang:
        # the project then answers from the database (docs/deploying.md).
        "OPTIONS": {
            "socket_connect_timeout": env.float("REDIS_CONNECT_TIMEOUT", default=0.5),
            "socket_timeout": env.float("REDIS_SOCKET_TIMEOUT", default=0.5),
        },
    }
    return {"default": default, "revocations": {**default, "KEY_PREFIX": f"revocations:{key_prefix}"}}


# REDIS_KEY_PREFIX lets several projects (or test runs) share one Redis without sharing keys.
CACHES = redis_caches(REDIS_URL, env("REDIS_KEY_PREFIX", default="")) if REDIS_URL else DATABASE_CACHES

# --- Users and passwords ------------------------------------------------------------
# A custom user model from the first migration, as Django recommends for new projects.
# https://docs.djangoproject.com/en/stable/topics/auth/customizing/#using-a-custom-user-model-when-starting-a-project
AUTH_USER_MODEL = "users.User"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# --- Internationalisation -----------------------------------------------------------
LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

# --- Static files (the JavaScript client in client/src) ----------------------------
STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [("client", BASE_DIR / "client" / "src")]
{%- if cookiecutter.include_demo == "yes" %}

# --- The demo page at / (the demo app) --------------------------------------------------
# A sign-in page for trying the JavaScript client: local.py serves it; production only
# where DJANGO_SERVE_DEMO=true says so (config/urls.py reads this once, at start-up).
SERVE_DEMO = env.bool("DJANGO_SERVE_DEMO", default=False)
{%- endif %}

# --- Django REST framework ----------------------------------------------------------
# https://www.django-rest-framework.org/api-guide/settings/
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ("{{ cookiecutter.project_slug }}.authentication.authentication.JWTAuthentication",),
    "DEFAULT_PERMISSION_CLASSES": ("rest_framework.permissions.IsAuthenticated",),
    "DEFAULT_RENDERER_CLASSES": ("rest_framework.renderers.JSONRenderer",),
    "DEFAULT_PARSER_CLASSES": ("{{ cookiecutter.project_slug }}.core.parsers.LimitedJSONParser",),
    "EXCEPTION_HANDLER": "{{ cookiecutter.project_slug }}.core.exceptions.api_exception_handler",
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "UNAUTHENTICATED_USER": None,
    # Throttles count per client IP. With 0 that is REMOTE_ADDR and X-Forwarded-For is
    # ignored (a client could write any address there and get a fresh quota each time);
    # behind N trusted proxies that append to X-Forwarded-For, set DJANGO_NUM_PROXIES=N.
    # https://www.django-rest-framework.org/api-guide/throttling/#how-clients-are-identified
    "NUM_PROXIES": env.int("DJANGO_NUM_PROXIES", default=0),
}

# --- OpenAPI schema (/api/schema/) and Swagger UI (/api/docs/) ------------------------
# https://drf-spectacular.readthedocs.io/en/latest/settings.html
SPECTACULAR_SETTINGS = {
    "TITLE": {{ cookiecutter.project_name | tojson }},
    "DESCRIPTION": {{ cookiecutter.description | tojson }},
    "VERSION": "0.1.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # The schema and Swagger UI are public: a stale Bearer header a browser sends along must
    # not turn them into a 401 (rendered as HTML by the UI's renderer).
    "SERVE_AUTHENTICATION": [],
    "COMPONENT_SPLIT_REQUEST": True,
    # Tags and operation ids from the path after /api/, whichever other URLs exist (JWKS).
    "SCHEMA_PATH_PREFIX": "/api/",
    # Swagger UI's files come from the installed sidecar package, not a CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    # Same-origin requests (Swagger UI's default) carry the refresh cookie and get the CSRF
    # header from drf-spectacular; withCredentials would turn that header off.
    "SWAGGER_UI_SETTINGS": {"persistAuthorization": True},
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "{{ cookiecutter.project_slug }}.core.openapi.add_common_errors",
    ],
}

# --- JWT (djangorestframework-simplejwt) --------------------------------------------
# https://django-rest-framework-simplejwt.readthedocs.io/en/latest/settings.html
# The access lifetime can be shortened from the environment (the browser tests make
# tokens live a few seconds); everything else comes from the answers at generation.
{%- if cookiecutter.signing_algorithm == "RS256" %}


def read_pem(name):
    """Return a PEM key from $NAME, else from the file $NAME_FILE (default keys/), else ""."""
    key_file = Path(env(f"{name}_FILE", default=str(BASE_DIR / "keys" / f"{name.lower()}.pem")))
    return env(name, default="") or (key_file.read_text() if key_file.is_file() else "")


# The key pair never lives in the repository: keys/ is git-ignored and `make keys`
# writes a new pair there; in production pass the keys (or their files) in the env.
JWT_PRIVATE_KEY = read_pem("JWT_PRIVATE_KEY")
JWT_PUBLIC_KEY = read_pem("JWT_PUBLIC_KEY")
{%- endif %}
ACCESS_TOKEN_LIFETIME_SECONDS = check_range(
    "JWT_ACCESS_TOKEN_LIFETIME_SECONDS",
    env.int("JWT_ACCESS_TOKEN_LIFETIME_SECONDS", default={{ cookiecutter.access_token_lifetime_minutes }} * 60),
    1,
    24 * 60 * 60,
)
SIMPLE_JWT = {
    "ACCESS_TOKEN_LIFETIME": timedelta(seconds=ACCESS_TOKEN_LIFETIME_SECONDS),
    "REFRESH_TOKEN_LIFETIME": timedelta(days={{ cookiecutter.refresh_token_lifetime_days }}),
    "ROTATE_REFRESH_TOKENS": {{ cookiecutter.rotate_refresh_tokens == "yes" }},
    "BLACKLIST_AFTER_ROTATION": {{ cookiecutter.blacklist_after_rotation == "yes" }},
    "UPDATE_LAST_LOGIN": False,
    "LEEWAY": {{ cookiecutter.leeway_seconds }},
    "AUTH_HEADER_TYPES": ("Bearer",),
    # Every token names who issued it and for whom; tokens naming others are refused.
    "ISSUER": env("JWT_ISSUER", default={{ cookiecutter.jwt_issuer | tojson }}),
    "AUDIENCE": env("JWT_AUDIENCE", default={{ cookiecutter.jwt_audience | tojson }}),
    "AUTH_TOKEN_CLASSES": ("{{ cookiecutter.project_slug }}.authentication.tokens.AccessToken",),
{%- if cookiecutter.signing_algorithm == "RS256" %}
    "ALGORITHM": "RS256",
    "SIGNING_KEY": JWT_PRIVATE_KEY,
    "VERIFYING_KEY": JWT_PUBLIC_KEY,
{%- else %}
    "ALGORITHM": "HS256",
    # Kept apart from SECRET_KEY when JWT_SIGNING_KEY is set, so either can be rotated alone.
    "SIGNING_KEY": env("JWT_SIGNING_KEY", default=SECRET_KEY),
{%- endif %}
}

# --- Sessions built on the tokens (this project's additions) ------------------------
# User fields copied into both tokens, refreshed from the user on every refresh.
JWT_CUSTOM_CLAIMS = {{ cookiecutter.custom_claims.split(",") | map("trim") | select | list | tojson }}
# A rotated token may be spent again within this many seconds (second tab, retry).
JWT_ROTATION_GRACE_SECONDS = check_range(
    "JWT_ROTATION_GRACE_SECONDS", env.int("JWT_ROTATION_GRACE_SECONDS", default={{ cookiecutter.rotation_grace_seconds }}), 0, 60
)
# Replaying a spent refresh token revokes its whole session family (RFC 9700 4.14.2).
JWT_REUSE_DETECTION = {{ cookiecutter.reuse_detection == "yes" }}
# No session outlives this, however often it is refreshed; None means unlimited.
JWT_MAX_SESSION = {% if cookiecutter.max_session_days == "0" %}None{% else %}timedelta(days={{ cookiecutter.max_session_days }}){% endif %}
# Open sessions a user may hold; a sign-in beyond them ends the least recently used. 0: no cap.
JWT_MAX_SESSIONS_PER_USER = check_range(
    "JWT_MAX_SESSIONS_PER_USER", env.int("JWT_MAX_SESSIONS_PER_USER", default={{ cookiecutter.max_sessions_per_user }}), 0, 1000
)
# Requests per client IP before a 429 (brute force); counted in the cache above. Verify
# answers other services too: raise its rate if one of them asks for every request it serves.
# login_account: failed sign-ins per account from any address; someone who knows a username
# can keep that account from signing in with it, so keep it well above what a person mistypes.
JWT_THROTTLE_RATES = {
    "login": env("JWT_LOGIN_THROTTLE_RATE", default="{{ cookiecutter.login_throttle_rate }}"),
    "refresh": env("JWT_REFRESH_THROTTLE_RATE", default="{{ cookiecutter.refresh_throttle_rate }}"),
    "verify": env("JWT_VERIFY_THROTTLE_RATE", default="600/minute"),
    "login_account": env("JWT_LOGIN_ACCOUNT_THROTTLE_RATE", default="20/hour"),
}
# Logout ends the access token at once (a cache lookup per request) instead of at expiry.
JWT_REVOKE_ACCESS_ON_LOGOUT = {{ cookiecutter.revoke_access_on_logout == "yes" }}
# 0: every request asks the cache (a revocation holds everywhere at once). N > 0: each
# process re-checks at most every N seconds, saving that lookup (see the benchmarks).
JWT_REVOCATION_SYNC_SECONDS = env.float("JWT_REVOCATION_SYNC_SECONDS", default=0)
# With Redis (on by default there): each process keeps the revoked sessions in memory, kept
# current by pub/sub, and asks the cache only while its subscription is down or behind
# (authentication/revocation_feed.py). Without Redis there is nothing to subscribe to.
JWT_REVOCATION_PUBSUB = env.bool("JWT_REVOCATION_PUBSUB", default=bool(REDIS_URL))
{%- if cookiecutter.refresh_token_storage == "httponly_cookie" %}

# --- Refresh-token cookie -----------------------------------------------------------
# https://developer.mozilla.org/en-US/docs/Web/HTTP/Cookies#restrict_access_to_cookies
JWT_REFRESH_COOKIE_SECURE = True
JWT_REFRESH_COOKIE_SAMESITE = env("JWT_REFRESH_COOKIE_SAMESITE", default="Strict")
{%- endif %}

# --- A front end on another origin (CORS, CSRF) --------------------------------------
# https://github.com/adamchainz/django-cors-headers#configuration
# Origins whose pages may call the API, e.g. https://app.example.com (docs/deploying.md).
CORS_ALLOWED_ORIGINS = env.list("CORS_ALLOWED_ORIGINS", default=[])
# The client waits as long as a 429 or 503 says; a page on another origin can read it only if exposed.
CORS_EXPOSE_HEADERS = ["Retry-After"]
{%- if cookiecutter.refresh_token_storage == "httponly_cookie" %}
# The refresh cookie and the CSRF cookie must travel with the front end's requests.
CORS_ALLOW_CREDENTIALS = True
# Django refuses a POST whose Origin is another host unless named here (the same front ends, by default).
# https://docs.djangoproject.com/en/stable/ref/settings/#csrf-trusted-origins
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=CORS_ALLOWED_ORIGINS)
{%- endif %}
