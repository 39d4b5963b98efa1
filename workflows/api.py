"""API pieces for subject apps: serializers, and a ViewSet mixin with the three workflow actions."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from .models import WorkflowSubject
from .selectors import workflow_available_transitions, workflow_history
from .services import workflow_transition
from .services.transitions import COMMENT_MAX_LENGTH
from .spec import STATE_CLASSES


class AvailableTransitionSerializer(serializers.Serializer):
    name = serializers.CharField(read_only=True)
    label = serializers.CharField(read_only=True)
    to_state = serializers.CharField(read_only=True)
    to_label = serializers.CharField(read_only=True)
    comment_required = serializers.BooleanField(read_only=True)
    allowed = serializers.BooleanField(read_only=True)
    reason = serializers.CharField(
        read_only=True, help_text=_("Warum der Schritt nicht möglich ist; leer, wenn er es ist.")
    )
    blocked_by = serializers.ChoiceField(choices=["", "role", "guard", "state"], read_only=True)


class HistoryEntrySerializer(serializers.Serializer):
    sequence = serializers.IntegerField(read_only=True)
    kind = serializers.ChoiceField(choices=["start", "transition", "migration"], read_only=True)
    transition = serializers.CharField(read_only=True)
    label = serializers.CharField(read_only=True)
    from_state = serializers.CharField(read_only=True)
    from_label = serializers.CharField(read_only=True)
    to_state = serializers.CharField(read_only=True)
    to_label = serializers.CharField(read_only=True)
    actor = serializers.IntegerField(source="actor.pk", read_only=True, allow_null=True)
    actor_name = serializers.SerializerMethodField()
    comment = serializers.CharField(read_only=True)
    created_at = serializers.DateTimeField(read_only=True)
    version = serializers.IntegerField(read_only=True)

    def get_actor_name(self, entry) -> str:
        return str(entry.actor) if entry.actor else ""


class TransitionRequestSerializer(serializers.Serializer):
    transition = serializers.SlugField(max_length=64)
    comment = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=COMMENT_MAX_LENGTH
    )
    expected_state = serializers.SlugField(
        max_length=64,
        required=False,
        help_text=_(
            "Der Stand, den der Aufrufer zuletzt gesehen hat; ist er inzwischen ein anderer, "
            "antwortet die API mit 409."
        ),
    )


class WorkflowStateSerializer(serializers.Serializer):
    workflow = serializers.CharField(source="workflow.key", read_only=True, allow_null=True)
    version = serializers.IntegerField(source="workflow.version", read_only=True, allow_null=True)
    state = serializers.CharField(read_only=True)
    state_label = serializers.CharField(read_only=True)
    state_class = serializers.ChoiceField(choices=STATE_CLASSES, read_only=True)
    state_entered_at = serializers.DateTimeField(read_only=True, allow_null=True)
    sequence = serializers.IntegerField(source="workflow_sequence", read_only=True)


class WorkflowActionsMixin:
    """For a subject's ModelViewSet: `GET {id}/transitions/`, `POST {id}/transition/`, `GET {id}/history/`.

    The subject comes from `get_workflow_subject()`, by default `get_object()`, so the
    ViewSet's own queryset and visibility rules apply (404 for what the person may not see).
    """

    def get_workflow_subject(self) -> WorkflowSubject:
        return self.get_object()

    def workflow_step(self, subject: WorkflowSubject, **step) -> None:
        """Take the step (`name`, `comment`, `expected_state`); a subject whose app wraps the engine
        in a service of its own (guards, effects of its own) takes it there."""
        workflow_transition(subject=subject, actor=self.request.user, **step)

    def workflow_step_response(self, subject: WorkflowSubject) -> Response:
        return Response(WorkflowStateSerializer(subject).data)

    @extend_schema(responses=AvailableTransitionSerializer(many=True))
    @action(detail=True, methods=["get"], url_path="transitions", pagination_class=None)
    def transitions(self, request: Request, *args, **kwargs) -> Response:
        subject = self.get_workflow_subject()
        available = workflow_available_transitions(subject=subject, user=request.user)
        return Response(AvailableTransitionSerializer(available, many=True).data)

    @extend_schema(request=TransitionRequestSerializer, responses=WorkflowStateSerializer)
    @action(detail=True, methods=["post"], url_path="transition")
    def take_transition(self, request: Request, *args, **kwargs) -> Response:
        subject = self.get_workflow_subject()
        payload = TransitionRequestSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        self.workflow_step(
            subject,
            name=payload.validated_data["transition"],
            comment=payload.validated_data["comment"],
            expected_state=payload.validated_data.get("expected_state"),
        )
        return self.workflow_step_response(subject)

    @extend_schema(responses=HistoryEntrySerializer(many=True))
    @action(detail=True, methods=["get"], url_path="history", pagination_class=None)
    def history(self, request: Request, *args, **kwargs) -> Response:
        subject = self.get_workflow_subject()
        return Response(HistoryEntrySerializer(workflow_history(subject=subject), many=True).data)
