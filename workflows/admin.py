from django.contrib import admin

from .models import DeadlineNotice, TransitionRecord, WorkflowDefinition


class _ReadOnlyAdmin(admin.ModelAdmin):
    """Rows the engine writes: admins look, nobody edits.

    Definitions come from files; the history is append-only.
    """

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(WorkflowDefinition)
class WorkflowDefinitionAdmin(_ReadOnlyAdmin):
    list_display = ["key", "version", "created_at"]
    list_filter = ["key"]
    fields = ["key", "version", "checksum", "created_at", "source"]


@admin.register(TransitionRecord)
class TransitionRecordAdmin(_ReadOnlyAdmin):
    list_display = [
        "subject_type",
        "subject_id",
        "sequence",
        "kind",
        "transition",
        "from_state",
        "to_state",
        "actor",
        "created_at",
    ]
    list_filter = ["kind", "subject_type", "workflow__key"]
    list_select_related = ["subject_type", "actor", "workflow"]
    search_fields = ["transition", "from_state", "to_state", "comment"]


@admin.register(DeadlineNotice)
class DeadlineNoticeAdmin(_ReadOnlyAdmin):
    list_display = ["subject_type", "subject_id", "state", "kind", "state_entered_at", "created_at"]
    list_filter = ["kind", "subject_type"]


class WorkflowSubjectAdminMixin:
    """For a subject's ModelAdmin: shows the workflow fields read-only (they are not editable anyway)."""

    workflow_readonly_fields = ("workflow", "state", "previous_state", "state_entered_at")

    def get_readonly_fields(self, request, obj=None):
        return [*super().get_readonly_fields(request, obj), *self.workflow_readonly_fields]
