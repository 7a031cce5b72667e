"""This project's URLs, plus /api/me-noauth/: the same MeView with authentication off.

The baseline is routed where /api/me/ is, just before it, so that both cost the same URL
resolution (the project's patterns tried before it): placed first, it skipped some twenty
regular expressions that /api/me/ pays for, and the ratio measured routing, not authentication.
"""

from django.urls import Resolver404, path

from bench.views import UnauthenticatedMeView
from config.urls import urlpatterns as project_urlpatterns


def routes_me(pattern) -> bool:
    """Return whether this top-level pattern is the one that serves /api/me/."""
    try:
        return pattern.resolve("api/me/") is not None
    except Resolver404:
        return False


ME_INDEX = next(index for index, pattern in enumerate(project_urlpatterns) if routes_me(pattern))
urlpatterns = [
    *project_urlpatterns[:ME_INDEX],
    path("api/me-noauth/", UnauthenticatedMeView.as_view()),
    *project_urlpatterns[ME_INDEX:],
]
