"""The demo page: the JavaScript client signing in, calling /api/me/ and refreshing itself."""

from django.views.decorators.csrf import ensure_csrf_cookie
from django.views.generic import TemplateView

from {{ cookiecutter.project_slug }}.authentication.transport import refresh_transport


class DemoPageView(TemplateView):
    """The demo page: sign in, call /api/me/, watch the token refresh itself."""

    template_name = "demo/index.html"

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "refresh_storage": refresh_transport.storage}


demo_page = ensure_csrf_cookie(DemoPageView.as_view())
