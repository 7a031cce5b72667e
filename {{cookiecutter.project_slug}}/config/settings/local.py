"""Settings for development on this machine: DEBUG on, plain http on 127.0.0.1."""

from .base import *  # noqa: F403
from .base import env

SECRET_KEY = env("DJANGO_SECRET_KEY")
DEBUG = env.bool("DJANGO_DEBUG", default=True)

# Serve static files straight from the source folders; nothing is collected locally.
STATIC_ROOT = None
WHITENOISE_USE_FINDERS = True
{%- if cookiecutter.include_demo == "yes" %}

# The demo page at / (DJANGO_SERVE_DEMO=false turns it off).
SERVE_DEMO = env.bool("DJANGO_SERVE_DEMO", default=True)
{%- endif %}

{%- if cookiecutter.refresh_token_storage == "httponly_cookie" %}

# http://127.0.0.1 cannot carry Secure cookies, so only here the refresh cookie is not
# Secure (and so takes no __Host- prefix, and keeps the narrow path).
JWT_REFRESH_COOKIE_SECURE = False
{%- endif %}
