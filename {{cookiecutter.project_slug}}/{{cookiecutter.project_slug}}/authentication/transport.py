"""How the refresh token travels between browser and server: the carrier chosen at generation.

Each carrier has the same interface (read, write, clear, session_to_end, and what it adds to
the OpenAPI schema): cookies.py in httponly_cookie mode, body.py in local_storage mode. A
project has only its own; the views reach it through this module.
"""
{% if cookiecutter.refresh_token_storage == "httponly_cookie" %}
from .cookies import CookieTransport as RefreshTransport
{%- else %}
from .body import BodyTransport as RefreshTransport
{%- endif %}

# It keeps no state, so one serves every request.
refresh_transport = RefreshTransport()
