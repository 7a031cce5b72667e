"""Stock simplejwt's views at this project's paths, and the same /api/me/ view."""

from django.urls import path
from rest_framework_simplejwt.views import TokenObtainPairView, TokenRefreshView, TokenVerifyView

from bench.views import StockMeView, UnauthenticatedMeView

urlpatterns = [
    path("api/token/", TokenObtainPairView.as_view()),
    path("api/token/refresh/", TokenRefreshView.as_view()),
    path("api/token/verify/", TokenVerifyView.as_view()),
    path("api/me/", StockMeView.as_view()),
    path("api/me-noauth/", UnauthenticatedMeView.as_view()),
]
