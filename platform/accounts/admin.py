from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy as _

from core.errors import DomainError

from .lifecycle import organisation_confirm, user_deactivate
from .models import Organisation, User


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "city", "produces_in_aachen", "training_company", "is_confirmed"]
    list_filter = ["is_confirmed", "kind", "produces_in_aachen", "training_company"]
    search_fields = ["name"]
    # The logo is checked by content when a company uploads it (seals); the admin only shows it.
    readonly_fields = ["is_confirmed", "logo"]
    actions = ["confirm"]

    @admin.action(description=_("Vorgeschlagene Organisationen bestätigen"))
    def confirm(self, request, queryset):
        for organisation in queryset.filter(is_confirmed=False):
            organisation_confirm(organisation=organisation, actor=request.user)


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    ordering = ["email"]
    list_display = ["email", "first_name", "last_name", "organisation", "is_staff", "is_active"]
    list_filter = ["is_staff", "is_superuser", "is_active", "organisation__kind"]
    search_fields = ["email", "first_name", "last_name", "organisation__name"]
    list_select_related = ["organisation"]
    autocomplete_fields = ["organisation"]
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        (_("Person"), {"fields": ("first_name", "last_name", "organisation", "language")}),
        (_("Rechte"), {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")}),
        (_("Daten"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("email", "password1", "password2")}),)
    # Switching an account off ends its memberships and sessions: only through the action.
    readonly_fields = ["is_active"]
    actions = ["deactivate"]

    def has_delete_permission(self, request, obj=None):
        return False  # an account with a history is deactivated, never deleted

    @admin.action(description=_("Konto deaktivieren"))
    def deactivate(self, request, queryset):
        for user in queryset.filter(is_active=True):
            try:
                user_deactivate(user=user, actor=request.user)
            except (DomainError, PermissionDenied) as exc:
                self.message_user(
                    request, f"{user}: {getattr(exc, 'reason', _('Keine Berechtigung.'))}", messages.ERROR
                )
