"""REST API: my notifications and preferences; for staff, failed deliveries and retrying them."""

import django_filters
from django.contrib.contenttypes.models import ContentType
from django.http import Http404
from django.utils import translation
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import IsAdminUser
from rest_framework.response import Response

from core.errors import Conflict

from .kinds import Preference
from .models import Delivery, Notification
from .rendering import Message, message_render
from .selectors import deliveries_for_staff, notifications_for_user, preferences_for_user, unread_count
from .services import (
    deliveries_retry,
    notification_mark_read,
    notifications_mark_all_read,
    preferences_update,
)


class ReaderLanguageMixin:
    """Messages in the person's profile language, as on the site (known only after API authentication)."""

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        language = getattr(request.user, "language", "")
        if language:
            translation.activate(language)
            request.LANGUAGE_CODE = language


class NotificationSerializer(serializers.ModelSerializer):
    label = serializers.SerializerMethodField(help_text="The kind's name in the request's language.")
    headline = serializers.SerializerMethodField(help_text="What happened, in the request's language.")
    body = serializers.SerializerMethodField()
    url = serializers.SerializerMethodField(help_text="Path of the thing it is about on this site, or ''.")
    actor = serializers.StringRelatedField(help_text="Who caused it (null for reminders).")
    subject_type = serializers.SerializerMethodField(help_text="'app_label.model' of the subject, or null.")
    is_read = serializers.BooleanField(read_only=True)

    class Meta:
        model = Notification
        fields = [
            "id",
            "kind",
            "label",
            "headline",
            "body",
            "url",
            "actor",
            "subject_type",
            "subject_id",
            "data",
            "created_at",
            "read_at",
            "is_read",
        ]
        read_only_fields = fields

    def _message(self, obj: Notification) -> Message:
        if not hasattr(obj, "_message"):
            obj._message = message_render(obj)
        return obj._message

    def get_label(self, obj: Notification) -> str:
        return self._message(obj).label

    def get_headline(self, obj: Notification) -> str:
        return self._message(obj).headline

    def get_body(self, obj: Notification) -> str:
        return self._message(obj).body

    def get_url(self, obj: Notification) -> str:
        return self._message(obj).url

    def get_subject_type(self, obj: Notification) -> str | None:
        if obj.subject_type_id is None:
            return None
        content_type = ContentType.objects.get_for_id(obj.subject_type_id)
        return f"{content_type.app_label}.{content_type.model}"


class UnreadCountSerializer(serializers.Serializer):
    unread = serializers.IntegerField()


class MarkedSerializer(serializers.Serializer):
    marked = serializers.IntegerField(help_text="How many were unread until now.")


class NotificationFilter(django_filters.FilterSet):
    unread = django_filters.BooleanFilter(
        field_name="read_at", lookup_expr="isnull", help_text="true: only unread; false: only read."
    )

    class Meta:
        model = Notification
        fields = ["unread", "kind"]


@extend_schema_view(
    list=extend_schema(summary="My notifications, newest first"),
    retrieve=extend_schema(summary="One of my notifications"),
)
class NotificationViewSet(
    ReaderLanguageMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    serializer_class = NotificationSerializer
    filterset_class = NotificationFilter

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Notification.objects.none()
        return notifications_for_user(user=self.request.user)

    @extend_schema(summary="Mark one notification read", request=None, responses=NotificationSerializer)
    @action(detail=True, methods=["post"])
    def read(self, request, pk=None):
        notification = notification_mark_read(notification=self.get_object())
        return Response(self.get_serializer(notification).data)

    @extend_schema(summary="Mark all my notifications read", request=None, responses=MarkedSerializer)
    @action(detail=False, methods=["post"], url_path="read-all")
    def read_all(self, request):
        return Response({"marked": notifications_mark_all_read(user=request.user)})

    @extend_schema(summary="How many of my notifications are unread", responses=UnreadCountSerializer)
    @action(detail=False, methods=["get"], url_path="unread-count", filterset_class=None)
    def unread_count(self, request):
        return Response({"unread": unread_count(user=request.user)})


class PreferenceSerializer(serializers.Serializer):
    kind = serializers.CharField(read_only=True)
    label = serializers.CharField(read_only=True)
    preference = serializers.ChoiceField(
        source="value",
        choices=Preference.choices,
        help_text="immediate: an email at once; digest: in the daily digest; off: no email.",
    )
    default = serializers.CharField(read_only=True, help_text="What applies until the person chooses.")


KIND_PARAMETER = OpenApiParameter(
    "kind", OpenApiTypes.STR, OpenApiParameter.PATH, description="A notification kind, e.g. task_assigned."
)


class PreferenceViewSet(ReaderLanguageMixin, viewsets.ViewSet):
    """My email preference per notification kind (the in-app inbox always shows everything)."""

    lookup_field = "kind"
    lookup_value_regex = r"[\w.-]+"

    def _row(self, kind: str):
        for row in preferences_for_user(user=self.request.user):
            if row.kind == kind:
                return row
        raise Http404

    @extend_schema(summary="My preference for every kind", responses=PreferenceSerializer(many=True))
    def list(self, request):
        return Response(PreferenceSerializer(preferences_for_user(user=request.user), many=True).data)

    @extend_schema(
        summary="My preference for one kind", parameters=[KIND_PARAMETER], responses=PreferenceSerializer
    )
    def retrieve(self, request, kind=None):
        return Response(PreferenceSerializer(self._row(kind)).data)

    @extend_schema(
        summary="Choose immediate, digest or off for one kind",
        parameters=[KIND_PARAMETER],
        request=PreferenceSerializer,
        responses=PreferenceSerializer,
    )
    def update(self, request, kind=None):
        self._row(kind)
        serializer = PreferenceSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        preferences_update(user=request.user, values={kind: serializer.validated_data["value"]})
        return Response(PreferenceSerializer(self._row(kind)).data)

    @extend_schema(
        summary="Choose immediate, digest or off for one kind",
        parameters=[KIND_PARAMETER],
        request=PreferenceSerializer,
        responses=PreferenceSerializer,
    )
    def partial_update(self, request, kind=None):
        return self.update(request, kind=kind)


class DeliverySerializer(serializers.ModelSerializer):
    kind = serializers.CharField(source="notification.kind", read_only=True)
    recipient = serializers.EmailField(source="notification.recipient.email", read_only=True)

    class Meta:
        model = Delivery
        fields = [
            "id",
            "notification",
            "kind",
            "recipient",
            "channel",
            "status",
            "attempts",
            "next_attempt_at",
            "last_error",
            "created_at",
            "sent_at",
        ]
        read_only_fields = fields


class RetriedSerializer(serializers.Serializer):
    retried = serializers.IntegerField()


STATUS_PARAMETER = OpenApiParameter(
    "status",
    OpenApiTypes.STR,
    enum=Delivery.Status.values,
    description="Which deliveries to list; failed when not given.",
)


@extend_schema_view(
    list=extend_schema(
        summary="Deliveries by status (staff); failed ones by default", parameters=[STATUS_PARAMETER]
    ),
    retrieve=extend_schema(summary="One delivery (staff)"),
)
class DeliveryViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Email and digest deliveries, for staff who look after failed ones."""

    serializer_class = DeliverySerializer
    permission_classes = [IsAdminUser]
    queryset = Delivery.objects.none()

    def get_queryset(self):
        if self.action == "list":
            status = self.request.query_params.get("status") or Delivery.Status.FAILED
            if status not in Delivery.Status.values:
                raise serializers.ValidationError({"status": [_("Unbekannter Status.")]})
            return deliveries_for_staff(status=status)
        return deliveries_for_staff(status=None)

    @extend_schema(summary="Send a failed delivery again", request=None, responses=DeliverySerializer)
    @action(detail=True, methods=["post"])
    def retry(self, request, pk=None):
        delivery = self.get_object()
        if not deliveries_retry(ids=[delivery.pk]):
            raise Conflict(_("Nur fehlgeschlagene Zustellungen können erneut gesendet werden."))
        delivery.refresh_from_db()
        return Response(self.get_serializer(delivery).data)

    @extend_schema(summary="Send all failed deliveries again", request=None, responses=RetriedSerializer)
    @action(detail=False, methods=["post"], url_path="retry-failed")
    def retry_failed(self, request):
        ids = deliveries_for_staff().values_list("pk", flat=True)
        return Response({"retried": deliveries_retry(ids=list(ids))})
