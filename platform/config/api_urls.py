"""The REST API under /api/v1/: each app's viewsets registered on one router."""

from django.urls import include, path
from rest_framework.routers import DefaultRouter

from accounts.api import MeView, TokenView

router = DefaultRouter()

urlpatterns = [
    path("auth/token/", TokenView.as_view(), name="auth-token"),
    path("me/", MeView.as_view(), name="me"),
    path("", include(router.urls)),
]
