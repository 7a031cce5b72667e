"""The project's URLs: the API under /api/, the admin, and the demo page at /."""

from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

{% if cookiecutter.signing_algorithm == "RS256" -%}
from {{ cookiecutter.project_slug }}.authentication.jwks import JwksView
{% endif -%}
from {{ cookiecutter.project_slug }}.authentication.throttling import throttled_admin_login
from {{ cookiecutter.project_slug }}.core.health import HealthView

urlpatterns = [
    # Before the admin's own URLs: its login form counts against the sign-in limit too.
    path("admin/login/", throttled_admin_login),
    path("admin/", admin.site.urls),
{%- if cookiecutter.signing_algorithm == "RS256" %}
    path(".well-known/jwks.json", JwksView.as_view(), name="jwks"),
{%- endif %}
    path("api/health/", HealthView.as_view(), name="health"),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="schema"), name="docs"),
    path("api/", include("{{ cookiecutter.project_slug }}.authentication.urls")),
    path("api/", include("{{ cookiecutter.project_slug }}.demo.api_urls")),
    path("", include("{{ cookiecutter.project_slug }}.demo.urls")),
]

# Errors Django answers outside the views: JSON under /api/, its own pages elsewhere.
handler400 = "{{ cookiecutter.project_slug }}.core.exceptions.bad_request"
handler404 = "{{ cookiecutter.project_slug }}.core.exceptions.page_not_found"
handler500 = "{{ cookiecutter.project_slug }}.core.exceptions.server_error"
