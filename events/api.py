"""Events over the API: anyone reads the public ones, staff create, change and cancel; members
register and cancel their own place, staff see every registration, invite guests, take attendance."""

from __future__ import annotations

import django_filters
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.models import Organisation
from core.api import BodyFirstMixin

from . import selectors, services
from .models import Event, Registration
from .permissions import may_manage_events


class EventSerializer(serializers.ModelSerializer):
    """An event; the figures count confirmed places, the waiting list and who came."""

    host = serializers.PrimaryKeyRelatedField(
        queryset=Organisation.objects.all(), allow_null=True, required=False
    )
    host_name = serializers.SerializerMethodField()
    slug = serializers.SlugField(max_length=100, required=False, allow_blank=True)
    confirmed_count = serializers.IntegerField(read_only=True)
    waiting_count = serializers.IntegerField(read_only=True)
    attended_count = serializers.IntegerField(read_only=True)
    url = serializers.SerializerMethodField(help_text=_("Die Seite der Veranstaltung."))
    ical_url = serializers.SerializerMethodField(help_text=_("Die iCalendar-Datei der Veranstaltung."))

    class Meta:
        model = Event
        fields = [
            "id",
            "uid",
            "slug",
            "title",
            "summary",
            "agenda",
            "starts_at",
            "ends_at",
            "host",
            "host_name",
            "venue",
            "address",
            "capacity",
            "is_public",
            "cancelled_at",
            "sequence",
            "confirmed_count",
            "waiting_count",
            "attended_count",
            "url",
            "ical_url",
            "updated_at",
        ]
        read_only_fields = ["uid", "cancelled_at", "sequence", "updated_at"]

    def get_host_name(self, event: Event) -> str:
        return event.host.name if event.host else ""

    def get_url(self, event: Event) -> str:
        return event.get_absolute_url()

    def get_ical_url(self, event: Event) -> str:
        return f"{event.get_absolute_url()}kalender.ics"


class EventFilter(django_filters.FilterSet):
    upcoming = django_filters.BooleanFilter(method="filter_upcoming", label=_("nur kommende"))

    class Meta:
        model = Event
        fields = ["is_public"]

    def filter_upcoming(self, queryset, name, value):
        from django.utils import timezone

        if value is None:
            return queryset
        return (
            queryset.filter(ends_at__gte=timezone.now())
            if value
            else queryset.filter(ends_at__lt=timezone.now())
        )


class EventViewSet(
    BodyFirstMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """Events: public ones for everybody, internal ones for signed-in people; staff write."""

    queryset = Event.objects.none()
    serializer_class = EventSerializer
    filterset_class = EventFilter
    lookup_field = "slug"
    permission_classes = [AllowAny]

    def get_queryset(self):
        return selectors.with_figures(selectors.events_visible(user=self.request.user)).order_by(
            "starts_at", "pk"
        )

    def _require_staff(self) -> None:
        if not self.request.user.is_authenticated:
            self.permission_denied(self.request)
        if not may_manage_events(self.request.user):
            raise PermissionDenied(_("Nur die Geschäftsstelle kann Veranstaltungen verwalten."))

    def _fresh(self, event: Event, *, status_code: int = status.HTTP_200_OK) -> Response:
        event = self.get_queryset().get(pk=event.pk)
        return Response(
            EventSerializer(event, context=self.get_serializer_context()).data, status=status_code
        )

    def create(self, request: Request, *args, **kwargs) -> Response:
        """Create an event (staff)."""
        self._require_staff()
        data = self.get_serializer(data=request.data)
        data.is_valid(raise_exception=True)
        event = services.event_create(actor=request.user, **data.validated_data)
        return self._fresh(event, status_code=status.HTTP_201_CREATED)

    def update(self, request: Request, *args, **kwargs) -> Response:
        """Change an event (staff); more places move the waiting list up, a new time or place is
        told to everyone registered."""
        self._require_staff()
        event = self.get_object()
        data = self.get_serializer(event, data=request.data, partial=kwargs.get("partial", False))
        data.is_valid(raise_exception=True)
        changes = dict(data.validated_data)
        if not changes.get("slug", event.slug):
            changes.pop("slug")
        event = services.event_update(event=event, actor=request.user, **changes)
        return self._fresh(event)

    @extend_schema(request=None, responses=EventSerializer)
    @action(detail=True, methods=["post"])
    def cancel(self, request: Request, slug=None) -> Response:
        """Call the event off (staff); everyone registered is told."""
        self._require_staff()
        event = services.event_cancel(event=self.get_object(), actor=request.user)
        return self._fresh(event)


class RegistrationSerializer(serializers.ModelSerializer):
    """A place at an event: a member's own (`event` only) or, sent by staff, a guest's (`guest_email`)."""

    event = serializers.PrimaryKeyRelatedField(queryset=Event.objects.all())
    name = serializers.SerializerMethodField()
    waiting_position = serializers.SerializerMethodField(
        help_text=_("1 für die erste Person auf der Warteliste; leer, wenn nicht wartend.")
    )

    class Meta:
        model = Registration
        fields = [
            "id",
            "event",
            "user",
            "name",
            "guest_email",
            "guest_name",
            "organisation",
            "status",
            "waiting_position",
            "registered_at",
            "confirmed_at",
            "cancelled_at",
            "attended",
        ]
        read_only_fields = [
            "user",
            "organisation",
            "status",
            "registered_at",
            "confirmed_at",
            "cancelled_at",
            "attended",
        ]

    def get_name(self, registration: Registration) -> str:
        return registration.display_name

    def get_waiting_position(self, registration: Registration) -> int | None:
        return services.waiting_position(registration)


class AttendanceSerializer(serializers.Serializer):
    attended = serializers.BooleanField(allow_null=True, help_text=_("Ja, nein oder leer (nicht erfasst)."))


class RegistrationFilter(django_filters.FilterSet):
    class Meta:
        model = Registration
        fields = ["event", "status"]


class RegistrationViewSet(
    BodyFirstMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """Registrations: your own, or (staff) everyone's, in the waiting list's order."""

    queryset = Registration.objects.none()
    serializer_class = RegistrationSerializer
    filterset_class = RegistrationFilter
    permission_classes = [IsAuthenticated]

    def get_queryset(self):
        return selectors.registrations_visible(user=self.request.user).order_by(
            "event", "registered_at", "pk"
        )

    def get_serializer(self, *args, **kwargs):
        serializer = super().get_serializer(*args, **kwargs)
        if not isinstance(serializer, serializers.ListSerializer) and "event" in serializer.fields:
            serializer.fields["event"].queryset = selectors.events_visible(user=self.request.user)
        return serializer

    def create(self, request: Request, *args, **kwargs) -> Response:
        """Register yourself for `event` (a place or the waiting list); staff invite a guest by
        sending `guest_email` (and `guest_name`): the guest gets a mail with a personal link."""
        data = self.get_serializer(data=request.data)
        data.is_valid(raise_exception=True)
        event = data.validated_data["event"]
        email = data.validated_data.get("guest_email", "")
        if email:
            registration = services.guest_invite(
                event=event, actor=request.user, email=email, name=data.validated_data.get("guest_name", "")
            )
        else:
            registration = services.registration_create(event=event, actor=request.user)
        return Response(RegistrationSerializer(registration).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses=RegistrationSerializer)
    @action(detail=True, methods=["post"])
    def cancel(self, request: Request, pk=None) -> Response:
        """Cancel (your own, or any as staff); the first on the waiting list moves up."""
        registration = services.registration_cancel(registration=self.get_object(), actor=request.user)
        return Response(RegistrationSerializer(registration).data)

    @extend_schema(request=AttendanceSerializer, responses=RegistrationSerializer)
    @action(detail=True, methods=["post"])
    def attendance(self, request: Request, pk=None) -> Response:
        """Record whether the person came (staff, from the event's start on)."""
        payload = AttendanceSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        registration = services.attendance_set(
            registration=self.get_object(), actor=request.user, attended=payload.validated_data["attended"]
        )
        return Response(RegistrationSerializer(registration).data)
