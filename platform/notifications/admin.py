from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from .models import Delivery, KindPreference, Notification, ReminderSent
from .services import deliveries_retry


@admin.register(Delivery)
class DeliveryAdmin(admin.ModelAdmin):
    """Staff see deliveries that failed, why, and send them again."""

    list_display = [
        "id",
        "recipient",
        "kind",
        "channel",
        "status",
        "attempts",
        "next_attempt_at",
        "sent_at",
        "short_error",
    ]
    list_filter = ["status", "channel", "notification__kind"]
    search_fields = ["notification__recipient__email", "last_error"]
    list_select_related = ["notification__recipient"]
    date_hierarchy = "created_at"
    readonly_fields = [
        "notification",
        "channel",
        "status",
        "attempts",
        "next_attempt_at",
        "last_error",
        "created_at",
        "sent_at",
    ]
    actions = ["retry"]

    def has_add_permission(self, request) -> bool:
        return False

    @admin.display(description=_("Empfänger"), ordering="notification__recipient__email")
    def recipient(self, obj: Delivery) -> str:
        return obj.notification.recipient.email

    @admin.display(description=_("Art"), ordering="notification__kind")
    def kind(self, obj: Delivery) -> str:
        return obj.notification.kind

    @admin.display(description=_("letzter Fehler"))
    def short_error(self, obj: Delivery) -> str:
        return obj.last_error[:120]

    @admin.action(description=_("Fehlgeschlagene Zustellungen erneut senden"), permissions=["change"])
    def retry(self, request, queryset):
        count = deliveries_retry(ids=list(queryset.values_list("pk", flat=True)))
        self.message_user(
            request,
            ngettext(
                "%(count)d Zustellung wird erneut gesendet.",
                "%(count)d Zustellungen werden erneut gesendet.",
                count,
            )
            % {"count": count},
            messages.SUCCESS if count else messages.WARNING,
        )


class DeliveryInline(admin.TabularInline):
    model = Delivery
    extra = 0
    can_delete = False
    fields = ["channel", "status", "attempts", "next_attempt_at", "sent_at", "last_error"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ["id", "kind", "recipient", "actor", "created_at", "read_at"]
    list_filter = ["kind"]
    search_fields = ["recipient__email"]
    list_select_related = ["recipient", "actor"]
    date_hierarchy = "created_at"
    readonly_fields = [
        "recipient",
        "kind",
        "actor",
        "subject_type",
        "subject_id",
        "data",
        "created_at",
        "read_at",
    ]
    inlines = [DeliveryInline]

    def has_add_permission(self, request) -> bool:
        return False


@admin.register(KindPreference)
class KindPreferenceAdmin(admin.ModelAdmin):
    list_display = ["user", "kind", "value"]
    list_filter = ["kind", "value"]
    search_fields = ["user__email"]
    list_select_related = ["user"]


@admin.register(ReminderSent)
class ReminderSentAdmin(admin.ModelAdmin):
    list_display = ["day", "kind", "recipient", "subject_type", "subject_id"]
    list_filter = ["kind", "day"]
    list_select_related = ["recipient", "subject_type"]

    def has_add_permission(self, request) -> bool:
        return False
