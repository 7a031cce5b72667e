from django.urls import path

from . import views

urlpatterns = [
    path("me/", views.MeView.as_view(), name="me"),
    path("echo/", views.EchoView.as_view(), name="echo"),
]
