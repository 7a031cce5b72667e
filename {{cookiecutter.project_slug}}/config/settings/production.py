"""Settings for production: secrets and hosts from the environment, HTTPS only.

`python manage.py check --deploy --settings=config.settings.production` passes with no
warnings once the required variables are set and DJANGO_SECRET_KEY is a long random secret.
Values that would pass it and fail only at the first request are refused at start-up.
"""

{% if cookiecutter.signing_algorithm == "RS256" -%}
from django.core.exceptions import ImproperlyConfigured

from {{ cookiecutter.project_slug }}.authentication.keys import KeyPairError, check_key_file, check_key_pair

{% endif -%}
from .base import *  # noqa: F403
from .base import SIMPLE_JWT, SPECTACULAR_SETTINGS, env
from .checks import (
    check_choice,
    check_rate,
{%- if cookiecutter.signing_algorithm == "HS256" %}
    check_secret,
{%- endif %}
)

DEBUG = False
SECRET_KEY = env("DJANGO_SECRET_KEY")
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS")
{%- if cookiecutter.signing_algorithm == "RS256" %}


def check_keys() -> None:
    """Raise ImproperlyConfigured, naming the variable, unless the key pair can sign and verify tokens."""
    try:
        for name in ("JWT_PRIVATE_KEY", "JWT_PUBLIC_KEY"):
            if not env(name, default="") and env(f"{name}_FILE", default=""):
                check_key_file(name, env(f"{name}_FILE"))
        if not (SIMPLE_JWT["SIGNING_KEY"] and SIMPLE_JWT["VERIFYING_KEY"]):
            raise ImproperlyConfigured("Set JWT_PRIVATE_KEY_FILE and JWT_PUBLIC_KEY_FILE (or the keys themselves)")
        check_key_pair(SIMPLE_JWT["SIGNING_KEY"], SIMPLE_JWT["VERIFYING_KEY"])
    except KeyPairError as error:
        raise ImproperlyConfigured(str(error)) from error


# A bad key would pass `check --deploy` and fail only at the first sign-in, with a 500.
check_keys()
{%- else %}
SIMPLE_JWT["SIGNING_KEY"] = env("JWT_SIGNING_KEY", default=SECRET_KEY)
# A guessable key lets anyone forge tokens; an empty one makes every sign-in a 500. Unset,
# JWT_SIGNING_KEY falls back to the secret key, so that is the variable to name.
check_secret("JWT_SIGNING_KEY" if "JWT_SIGNING_KEY" in env else "DJANGO_SECRET_KEY", SIMPLE_JWT["SIGNING_KEY"])
{%- endif %}

# --- Values that would fail only at the first sign-in or refresh --------------------
check_rate("JWT_LOGIN_THROTTLE_RATE", JWT_THROTTLE_RATES["login"])
check_rate("JWT_REFRESH_THROTTLE_RATE", JWT_THROTTLE_RATES["refresh"])
check_rate("JWT_VERIFY_THROTTLE_RATE", JWT_THROTTLE_RATES["verify"])
check_rate("JWT_LOGIN_ACCOUNT_THROTTLE_RATE", JWT_THROTTLE_RATES["login_account"])
{%- if cookiecutter.refresh_token_storage == "httponly_cookie" %}
# What Django's set_cookie() accepts (any case); anything else raises there.
JWT_REFRESH_COOKIE_SAMESITE = check_choice(
    "JWT_REFRESH_COOKIE_SAMESITE", JWT_REFRESH_COOKIE_SAMESITE, ("Strict", "Lax", "None")
)
{%- endif %}

# --- HTTPS --------------------------------------------------------------------------
# https://docs.djangoproject.com/en/stable/ref/settings/#secure-proxy-ssl-header
# Behind a proxy that terminates TLS and sets X-Forwarded-Proto (and strips it from
# clients), set DJANGO_BEHIND_TLS_PROXY=true; never otherwise, or any client could claim
# to be on https.
if env.bool("DJANGO_BEHIND_TLS_PROXY", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=True)
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
# https://docs.djangoproject.com/en/stable/ref/middleware/#http-strict-transport-security
SECURE_HSTS_SECONDS = env.int("DJANGO_SECURE_HSTS_SECONDS", default=60 * 60 * 24 * 365)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("DJANGO_SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
SECURE_HSTS_PRELOAD = env.bool("DJANGO_SECURE_HSTS_PRELOAD", default=True)
SECURE_CONTENT_TYPE_NOSNIFF = True

# --- Swagger UI ----------------------------------------------------------------------
# Kept across reloads, the access token would sit in the browser's localStorage, where any
# script on the page can read it; in production Swagger UI forgets it with the page.
SPECTACULAR_SETTINGS["SWAGGER_UI_SETTINGS"]["persistAuthorization"] = False

# --- Static files -------------------------------------------------------------------
# https://whitenoise.readthedocs.io/en/stable/django.html
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# --- Logging ------------------------------------------------------------------------
# https://docs.djangoproject.com/en/stable/topics/logging/#configuring-logging
# With DEBUG off, Django's default sends request errors only to mail_admins, so a 500 would
# leave nothing in the server's log: warnings and errors go to stderr instead, a 500's with
# its traceback. DJANGO_LOG_LEVEL=INFO says more, ERROR less.
LOG_LEVEL = check_choice(
    "DJANGO_LOG_LEVEL", env("DJANGO_LOG_LEVEL", default="WARNING"), ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")
)
LOGGING = {
    "version": 1,
    # Loggers that exist already (gunicorn's) keep working.
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s [%(process)d] %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"stderr": {"class": "logging.StreamHandler", "stream": "ext://sys.stderr", "formatter": "plain"}},
    "root": {"handlers": ["stderr"], "level": LOG_LEVEL},
    # Listed without handlers, Django's logger loses its own (console only with DEBUG,
    # mail_admins) and its records reach the root's handler, filtered at this level.
    "loggers": {"django": {"level": LOG_LEVEL}},
}
