from django.contrib import admin

from .models import Body, Invitation, Membership, Theme
from .services import body_create


@admin.register(Theme)
class ThemeAdmin(admin.ModelAdmin):
    list_display = ["name", "name_en", "slug"]
    prepopulated_fields = {"slug": ["name"]}


class MembershipInline(admin.TabularInline):
    model = Membership
    fields = ["user", "role", "joined_at", "left_at"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        # Memberships change through invitations and leaving, which keep the auth groups in step.
        return False


@admin.register(Body)
class BodyAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "parent", "theme"]
    list_filter = ["kind", "theme"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [MembershipInline]

    def get_readonly_fields(self, request, obj=None):
        return ["kind", "parent"] if obj else []

    def save_model(self, request, obj, form, change):
        if change:
            super().save_model(request, obj, form, change)
            return
        created = body_create(kind=obj.kind, name=obj.name, slug=obj.slug, parent=obj.parent, theme=obj.theme,
                              description=obj.description)
        obj.pk = created.pk


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "body", "role", "joined_at", "left_at"]
    list_filter = ["role", "body__kind", "body"]
    search_fields = ["user__email", "user__last_name", "body__name"]
    list_select_related = ["user", "body"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = ["invitee", "body", "role", "status", "created_at"]
    list_filter = ["status"]
    list_select_related = ["invitee", "body"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
