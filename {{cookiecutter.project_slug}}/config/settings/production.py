"""Settings for production: secrets and hosts from the environment, HTTPS only.

`python manage.py check --deploy --settings=config.settings.production` passes with no
warnings once the required variables are set and DJANGO_SECRET_KEY is a long random secret.
"""

{% if cookiecutter.signing_algorithm == "RS256" -%}
from django.core.exceptions import ImproperlyConfigured

from {{ cookiecutter.project_slug }}.authentication.keys import KeyPairError, check_key_file, check_key_pair

{% endif -%}
from .base import *  # noqa: F403
from .base import SIMPLE_JWT, env

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

# --- Static files -------------------------------------------------------------------
# https://whitenoise.readthedocs.io/en/stable/django.html
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
