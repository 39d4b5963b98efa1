from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy as _

from core.errors import DomainError

from .models import Body, Invitation, InvitationMail, Membership, Role, Theme
from .services import (
    body_create,
    invitation_resend,
    invitation_withdraw,
    membership_change_role,
    membership_end,
)


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
        created = body_create(
            kind=obj.kind,
            name=obj.name,
            slug=obj.slug,
            parent=obj.parent,
            theme=obj.theme,
            description=obj.description,
        )
        obj.pk = created.pk


def _run_each(modeladmin, request, queryset, service, done_message, **kwargs) -> None:
    """Call a service for each selected row; refusals are reported per row, nothing is written around them."""
    done = 0
    for obj in queryset:
        try:
            service(obj, actor=request.user, **kwargs)
        except (DomainError, PermissionDenied) as exc:
            reason = exc.reason if isinstance(exc, DomainError) else _("Keine Berechtigung.")
            modeladmin.message_user(request, f"{obj}: {reason}", messages.ERROR)
        else:
            done += 1
    if done:
        modeladmin.message_user(request, done_message % {"count": done}, messages.SUCCESS)


class ReadOnlyAdmin(admin.ModelAdmin):
    """Rows that change only through services (which keep auth groups and the audit trail in step)."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Membership)
class MembershipAdmin(ReadOnlyAdmin):
    list_display = ["user", "body", "role", "joined_at", "left_at"]
    list_filter = ["role", "body__kind", "body"]
    search_fields = ["user__email", "user__last_name", "body__name"]
    list_select_related = ["user", "body"]
    actions = ["end_membership", "make_chair", "make_member"]

    @admin.action(description=_("Mitgliedschaft beenden"))
    def end_membership(self, request, queryset):
        _run_each(
            self,
            request,
            queryset.filter(left_at__isnull=True),
            lambda m, actor: membership_end(membership=m, actor=actor),
            _("%(count)d Mitgliedschaften beendet."),
        )

    @admin.action(description=_("Rolle ändern: Vorsitz"))
    def make_chair(self, request, queryset):
        _run_each(
            self,
            request,
            queryset,
            lambda m, actor: membership_change_role(membership=m, role=Role.CHAIR, actor=actor),
            _("%(count)d Rollen geändert."),
        )

    @admin.action(description=_("Rolle ändern: Mitglied"))
    def make_member(self, request, queryset):
        _run_each(
            self,
            request,
            queryset,
            lambda m, actor: membership_change_role(membership=m, role=Role.MEMBER, actor=actor),
            _("%(count)d Rollen geändert."),
        )


@admin.register(Invitation)
class InvitationAdmin(ReadOnlyAdmin):
    list_display = ["__str__", "body", "role", "status", "created_at", "expires_at", "sent_count"]
    list_filter = ["status"]
    search_fields = ["email", "invitee__email", "body__name"]
    list_select_related = ["invitee", "body"]
    actions = ["withdraw", "resend"]

    @admin.action(description=_("Einladung zurückziehen"))
    def withdraw(self, request, queryset):
        _run_each(
            self,
            request,
            queryset,
            lambda i, actor: invitation_withdraw(invitation=i, actor=actor),
            _("%(count)d Einladungen zurückgezogen."),
        )

    @admin.action(description=_("Einladung erneut senden"))
    def resend(self, request, queryset):
        _run_each(
            self,
            request,
            queryset,
            lambda i, actor: invitation_resend(invitation=i, actor=actor),
            _("%(count)d Einladungen erneut verschickt."),
        )


@admin.register(InvitationMail)
class InvitationMailAdmin(ReadOnlyAdmin):
    list_display = ["invitation", "status", "attempts", "next_attempt_at", "sent_at"]
    list_filter = ["status"]
    readonly_fields = ["last_error"]
