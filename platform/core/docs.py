"""The OpenAPI schema and its docs pages, public only when API_DOCS_PUBLIC is set."""

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from drf_spectacular.utils import extend_schema
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerSplitView
from rest_framework.permissions import AllowAny, IsAuthenticated


class DocsAccessMixin:
    """Decided per request (not at import) so that the setting can be switched in tests and deployments."""

    def get_permissions(self):
        return [AllowAny()] if settings.API_DOCS_PUBLIC else [IsAuthenticated()]


class SchemaView(DocsAccessMixin, SpectacularAPIView):
    pass


class _DocsPageMixin:
    """The pages hold no schema (they fetch it from SchemaView): anonymous people are sent to sign in."""

    permission_classes = [AllowAny]

    @extend_schema(exclude=True)
    def get(self, request, *args, **kwargs):
        # A person in a browser is sent to the sign-in page instead of an error page.
        if not settings.API_DOCS_PUBLIC and not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        return super().get(request, *args, **kwargs)


class SwaggerView(_DocsPageMixin, SpectacularSwaggerSplitView):
    """Swagger UI with its init script served as a separate file, as the CSP forbids inline scripts."""


class RedocView(_DocsPageMixin, SpectacularRedocView):
    pass
