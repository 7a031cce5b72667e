"""This project's URLs, plus /api/me-noauth/: the same MeView with authentication off."""

from django.urls import path

from bench.views import UnauthenticatedMeView
from config.urls import urlpatterns as project_urlpatterns

urlpatterns = [
    path("api/me-noauth/", UnauthenticatedMeView.as_view()),
    *project_urlpatterns,
]
