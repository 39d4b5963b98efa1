from django.contrib import admin

from .models import Comment, Project, Task


class ReadOnlyAdmin(admin.ModelAdmin):
    """Projects and tasks change through the app (services check permissions and notify)."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Project)
class ProjectAdmin(ReadOnlyAdmin):
    list_display = ["title", "workgroup", "type", "is_public", "archived_at"]
    list_filter = ["type", "is_public", "workgroup"]
    search_fields = ["title", "summary"]
    list_select_related = ["workgroup"]


@admin.register(Task)
class TaskAdmin(ReadOnlyAdmin):
    list_display = ["title", "project", "assignee", "status", "due_date"]
    list_filter = ["status", "priority"]
    search_fields = ["title"]
    list_select_related = ["project", "assignee"]


@admin.register(Comment)
class CommentAdmin(ReadOnlyAdmin):
    list_display = ["task", "author", "created_at"]
    list_select_related = ["task", "author"]
