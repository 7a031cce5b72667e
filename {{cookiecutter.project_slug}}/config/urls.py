"""The project's URLs: the API under /api/, the admin, and the demo page at /."""

from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/", include("{{ cookiecutter.project_slug }}.authentication.urls")),
    path("api/", include("{{ cookiecutter.project_slug }}.demo.api_urls")),
    path("", include("{{ cookiecutter.project_slug }}.demo.urls")),
]
