"""Read-only: applications, reviews and seals change through their services (the site and the API),
so the four-eyes rule cannot be passed by in the admin."""

from django.contrib import admin

from workflows.admin import WorkflowSubjectAdminMixin

from .models import Application, CriterionReview, Evidence, Seal, Statement


class ReadOnlyAdmin(admin.ModelAdmin):
    actions = None

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Application)
class ApplicationAdmin(WorkflowSubjectAdminMixin, ReadOnlyAdmin):
    list_display = ("organisation", "applicant", "state", "proposed_decision", "created_at")
    list_filter = ("state",)
    search_fields = ("organisation__name",)


@admin.register(CriterionReview)
class CriterionReviewAdmin(ReadOnlyAdmin):
    list_display = ("application", "criterion", "met", "reviewer", "updated_at")


@admin.register(Statement)
class StatementAdmin(ReadOnlyAdmin):
    list_display = ("application", "criterion", "updated_at")


@admin.register(Evidence)
class EvidenceAdmin(ReadOnlyAdmin):
    list_display = ("application", "criterion", "name", "content_type", "size", "uploaded_at")
    exclude = ("file",)


@admin.register(Seal)
class SealAdmin(ReadOnlyAdmin):
    list_display = ("organisation", "valid_from", "valid_until", "revoked_at", "expired_at")
    search_fields = ("organisation__name",)
