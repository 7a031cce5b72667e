from django.urls import path

{% if cookiecutter.refresh_token_storage == "httponly_cookie" and cookiecutter.native_app_endpoints == "yes" -%}
from . import app_views, views
{%- else -%}
from . import views
{%- endif %}
{%- if cookiecutter.refresh_token_storage == "httponly_cookie" %}
from .cookies import CsrfTokenView
{%- endif %}

app_name = "authentication"

urlpatterns = [
    path("token/", views.ObtainTokenView.as_view(), name="token_obtain"),
    path("token/refresh/", views.RefreshTokenView.as_view(), name="token_refresh"),
    path("token/verify/", views.VerifyTokenView.as_view(), name="token_verify"),
    path("auth/logout/", views.LogoutView.as_view(), name="logout"),
    path("auth/logout-all/", views.LogoutAllView.as_view(), name="logout_all"),
    path("auth/logout-others/", views.LogoutOthersView.as_view(), name="logout_others"),
    path("auth/sessions/", views.SessionListView.as_view(), name="sessions"),
    path("auth/sessions/<str:session_id>/", views.SessionView.as_view(), name="session"),
{%- if cookiecutter.refresh_token_storage == "httponly_cookie" %}
    path("auth/csrf/", CsrfTokenView.as_view(), name="csrf"),
{%- endif %}
{%- if cookiecutter.refresh_token_storage == "httponly_cookie" and cookiecutter.native_app_endpoints == "yes" %}
    # For mobile apps and scripts: the refresh token in JSON bodies (docs/native-apps.md).
    path("app/token/", app_views.AppObtainTokenView.as_view(), name="app_token_obtain"),
    path("app/token/refresh/", app_views.AppRefreshTokenView.as_view(), name="app_token_refresh"),
    path("app/auth/logout/", app_views.AppLogoutView.as_view(), name="app_logout"),
{%- endif %}
]
