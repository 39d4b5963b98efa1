from django.contrib import admin

from .models import Report


@admin.register(Report)
class ReportAdmin(admin.ModelAdmin):
    """Read-only: reports are made, regenerated and issued on the site and through the API."""

    list_display = ("title", "period_start", "period_end", "status", "created_by", "issued_at")
    list_filter = ("status",)
    search_fields = ("title",)
    exclude = ("pdf", "data")

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
