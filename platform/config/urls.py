from django.contrib import admin
from django.urls import include, path

from core.docs import RedocView, SchemaView, SwaggerView
from core.health import health

urlpatterns = [
    path("", include("portal.urls")),
    path("accounts/", include("accounts.urls")),
    path("notifications/", include("notifications.urls")),
    path("groups/", include("workgroups.urls")),
    path("", include("projects.urls")),
    path("", include("votes.urls")),
    path("", include("escalations.urls")),
    path("", include("seals.urls")),
    path("", include("events.urls")),
    path("initiative/", include("publicsite.urls")),
    path("", include("reports.urls")),
    path("admin/", admin.site.urls),
    path("health/", health, name="health"),
    path("api/v1/", include("config.api_urls")),
    path("api/schema/", SchemaView.as_view(), name="schema"),
    path("api/docs/", SwaggerView.as_view(url_name="schema"), name="api-docs"),
    path("api/redoc/", RedocView.as_view(url_name="schema"), name="api-redoc"),
]
