from django.contrib import admin

from .models import Event, GuestMail, Registration


class ReadOnlyAdmin(admin.ModelAdmin):
    """Read-only: events and registrations change through the services (the site and the API)."""

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Event)
class EventAdmin(ReadOnlyAdmin):
    list_display = ("title", "starts_at", "venue", "host", "capacity", "is_public", "cancelled_at")
    list_filter = ("is_public",)
    search_fields = ("title", "venue")


@admin.register(Registration)
class RegistrationAdmin(ReadOnlyAdmin):
    list_display = ("event", "user", "guest_email", "status", "registered_at", "attended")
    list_filter = ("status",)
    search_fields = ("event__title", "user__email", "guest_email")


@admin.register(GuestMail)
class GuestMailAdmin(ReadOnlyAdmin):
    list_display = ("registration", "kind", "status", "attempts", "created_at", "sent_at")
    list_filter = ("status", "kind")
