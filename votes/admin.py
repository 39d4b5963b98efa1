"""Admin: votes and the electorate read-only; ballots are not shown at all (secret votes stay secret)."""

from django.contrib import admin

from .models import Delegation, Elector, Option, Participation, Vote


class _ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class OptionInline(admin.TabularInline):
    model = Option
    extra = 0
    can_delete = False
    readonly_fields = ("position", "label")

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Vote)
class VoteAdmin(_ReadOnly):
    list_display = ("title", "method", "status", "opens_at", "closes_at", "electorate_size", "passed")
    list_filter = ("status", "method", "secret")
    search_fields = ("title",)
    inlines = [OptionInline]


@admin.register(Participation)
class ParticipationAdmin(_ReadOnly):
    """Who voted, for open and secret votes alike: this never says what (ballots are elsewhere)."""

    list_display = ("vote", "elector", "cast_by", "cast_at", "changed_at")
    list_filter = ("vote",)


@admin.register(Elector)
class ElectorAdmin(_ReadOnly):
    list_display = ("vote", "user", "organisation", "representative", "deputy")
    list_filter = ("vote",)


@admin.register(Delegation)
class DelegationAdmin(admin.ModelAdmin):
    list_display = ("organisation", "representative", "deputy")
    autocomplete_fields = ("organisation", "representative", "deputy")
    search_fields = ("organisation__name",)

    def save_model(self, request, obj, form, change) -> None:
        from .services import delegation_set

        delegation_set(
            actor=request.user,
            organisation=obj.organisation,
            representative=obj.representative,
            deputy=obj.deputy,
        )

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
