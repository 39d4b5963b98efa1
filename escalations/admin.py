from django.contrib import admin

from .models import Escalation, Review, ReviewPolicy


@admin.register(Escalation)
class EscalationAdmin(admin.ModelAdmin):
    """Read-only: escalations change through their workflow (the site and the API)."""

    list_display = ("title", "workgroup", "state", "round", "vote", "created_at")
    list_filter = ("state", "workgroup")
    search_fields = ("title",)

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Review)
class ReviewAdmin(EscalationAdmin):
    list_display = ("escalation", "round", "reviewer", "verdict", "created_at")
    list_filter = ("verdict",)
    search_fields = ("escalation__title",)


@admin.register(ReviewPolicy)
class ReviewPolicyAdmin(admin.ModelAdmin):
    list_display = ("steering_team", "approvals_required")

    def save_model(self, request, obj, form, change) -> None:
        from .services import review_policy_set

        review_policy_set(
            actor=request.user, steering_team=obj.steering_team, approvals_required=obj.approvals_required
        )
