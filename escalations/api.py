"""Escalations over the API: raise, edit the draft, take workflow steps, review (approve or object)."""

from __future__ import annotations

from typing import Any

import django_filters
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_field, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from core.api import BodyFirstMixin
from projects.models import Project
from projects.selectors import projects_visible
from votes.services import MAX_OPTIONS
from workflows.api import (
    AvailableTransitionSerializer,
    HistoryEntrySerializer,
    TransitionRequestSerializer,
    WorkflowActionsMixin,
)
from workflows.selectors import workflow_available_transitions, workflow_history
from workflows.spec import STATE_CLASSES
from workgroups.models import Body
from workgroups.selectors import bodies_visible

from . import selectors, services
from .models import Escalation, Review


class EscalationSerializer(serializers.ModelSerializer):
    """A topic a working group raises; `options` for the forum vote (none for yes / no / abstain)."""

    workgroup = serializers.PrimaryKeyRelatedField(queryset=Body.objects.none())
    project = serializers.PrimaryKeyRelatedField(
        queryset=Project.objects.none(), allow_null=True, required=False
    )
    options = serializers.ListField(
        child=serializers.CharField(max_length=200), required=False, max_length=MAX_OPTIONS
    )
    state_label = serializers.CharField(read_only=True)
    state_class = serializers.ChoiceField(choices=STATE_CLASSES, read_only=True)
    vote = serializers.PrimaryKeyRelatedField(
        read_only=True, help_text=_("Die Abstimmung im Forum, sobald das Steuerteam freigegeben hat.")
    )

    class Meta:
        model = Escalation
        fields = [
            "id",
            "workgroup",
            "project",
            "title",
            "rationale",
            "decision",
            "method",
            "options",
            "vote_days",
            "vote_secret",
            "state",
            "state_label",
            "state_class",
            "round",
            "approvals_required",
            "vote",
            "created_by",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["state", "round", "approvals_required", "created_by", "created_at", "updated_at"]

    def get_fields(self):
        fields = super().get_fields()
        request = self.context.get("request")
        if request is not None and request.user.is_authenticated:
            if "workgroup" in fields and not fields["workgroup"].read_only:
                fields["workgroup"].queryset = bodies_visible(user=request.user).filter(
                    kind=Body.Kind.WORKING_GROUP
                )
            fields["project"].queryset = projects_visible(user=request.user)
        return fields


class EscalationUpdateSerializer(EscalationSerializer):
    class Meta(EscalationSerializer.Meta):
        read_only_fields = [*EscalationSerializer.Meta.read_only_fields, "workgroup"]


class ReviewSerializer(serializers.ModelSerializer):
    reviewer_name = serializers.SerializerMethodField()

    class Meta:
        model = Review
        fields = ["id", "round", "reviewer", "reviewer_name", "verdict", "reason", "created_at", "updated_at"]
        read_only_fields = fields

    def get_reviewer_name(self, review: Review) -> str:
        return str(review.reviewer)


class ReviewRequestSerializer(serializers.Serializer):
    verdict = serializers.ChoiceField(choices=Review.Verdict.choices)
    reason = serializers.CharField(max_length=2000, help_text=_("Die Begründung des Votums (Pflicht)."))


class EscalationDetailSerializer(EscalationSerializer):
    """An escalation with the current round's reviews, the caller's next steps and the history."""

    reviews = serializers.SerializerMethodField(help_text=_("Die Voten zur aktuellen Vorlage."))
    approvals_needed = serializers.SerializerMethodField()
    approvals_given = serializers.SerializerMethodField()
    transitions = serializers.SerializerMethodField(help_text=_("Die nächsten Schritte, für den Aufrufer."))
    history = serializers.SerializerMethodField()

    class Meta(EscalationSerializer.Meta):
        fields = [
            *EscalationSerializer.Meta.fields,
            "reviews",
            "approvals_needed",
            "approvals_given",
            "transitions",
            "history",
        ]
        read_only_fields = fields

    @extend_schema_field(ReviewSerializer(many=True))
    def get_reviews(self, escalation: Escalation) -> list[dict[str, Any]]:
        if not escalation.round:
            return []
        return ReviewSerializer(selectors.reviews_of(escalation, round=escalation.round), many=True).data

    @extend_schema_field(serializers.IntegerField(allow_null=True))
    def get_approvals_needed(self, escalation: Escalation) -> int | None:
        """Fixed when the topic is submitted; before that, what the steering team's rule asks today."""
        if escalation.approvals_required is not None:
            return escalation.approvals_required
        return services.approvals_needed(escalation) if escalation.state == services.DRAFT else None

    def get_approvals_given(self, escalation: Escalation) -> int:
        return selectors.approvals_count(escalation) if escalation.round else 0

    @extend_schema_field(AvailableTransitionSerializer(many=True))
    def get_transitions(self, escalation: Escalation) -> list[dict[str, Any]]:
        available = workflow_available_transitions(subject=escalation, user=self.context["request"].user)
        return AvailableTransitionSerializer(available, many=True).data

    @extend_schema_field(HistoryEntrySerializer(many=True))
    def get_history(self, escalation: Escalation) -> list[dict[str, Any]]:
        return HistoryEntrySerializer(workflow_history(subject=escalation), many=True).data


class EscalationFilter(django_filters.FilterSet):
    # A plain slug / id narrows the reader's own rows: a hidden group answers like an unknown one.
    group = django_filters.CharFilter(field_name="workgroup__slug")
    workgroup = django_filters.NumberFilter(field_name="workgroup_id")
    state = django_filters.CharFilter(field_name="state")

    class Meta:
        model = Escalation
        fields = []


@extend_schema_view(
    take_transition=extend_schema(
        description="Submit, return (comment required), refuse (comment required) or withdraw; "
        "409 if it moved on.",
        request=TransitionRequestSerializer,
        responses=EscalationDetailSerializer,
    )
)
class EscalationViewSet(
    BodyFirstMixin,
    WorkflowActionsMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """Escalations you may see: a group's chair raises a topic, its steering team approves, returns
    or refuses it; enough approvals open the forum vote (`vote`)."""

    queryset = Escalation.objects.none()
    filterset_class = EscalationFilter
    lookup_value_regex = "[0-9]+"

    def get_serializer_class(self):
        if self.action in ("update", "partial_update"):
            return EscalationUpdateSerializer
        return EscalationDetailSerializer if self.action == "retrieve" else EscalationSerializer

    def get_queryset(self):
        return selectors.escalations_visible(user=self.request.user).order_by("-created_at", "-pk")

    def _detail(self, escalation: Escalation, *, status_code: int = status.HTTP_200_OK) -> Response:
        escalation = selectors.escalation_get_for_user(user=self.request.user, pk=escalation.pk)
        data = EscalationDetailSerializer(escalation, context=self.get_serializer_context()).data
        return Response(data, status=status_code)

    @extend_schema(request=EscalationSerializer, responses={201: EscalationDetailSerializer})
    def create(self, request: Request, *args, **kwargs) -> Response:
        """Raise a topic (the working group's chair); it starts as a draft."""
        data = self.get_serializer(data=request.data)
        data.is_valid(raise_exception=True)
        escalation = services.escalation_create(actor=request.user, **data.validated_data)
        return self._detail(escalation, status_code=status.HTTP_201_CREATED)

    def perform_update(self, serializer) -> None:
        serializer.instance = services.escalation_update(
            escalation=serializer.instance, actor=self.request.user, **serializer.validated_data
        )

    def workflow_step(self, subject: Escalation, **step) -> None:
        services.escalation_transition(escalation=subject, actor=self.request.user, **step)

    def workflow_step_response(self, subject: Escalation) -> Response:
        return self._detail(subject)

    @extend_schema(methods=["GET"], responses=ReviewSerializer(many=True), filters=False)
    @extend_schema(methods=["POST"], request=ReviewRequestSerializer, responses={201: ReviewSerializer})
    @action(detail=True, methods=["get", "post"], pagination_class=None, filterset_class=None)
    def reviews(self, request: Request, pk=None) -> Response:
        """GET: every review, by round. POST: approve or object to the submitted topic (steering team),
        with a reason; the approval that reaches the number needed approves it and opens the vote."""
        escalation = self.get_object()
        if request.method == "GET":
            reviews = selectors.reviews_of(escalation).order_by("round", "created_at", "pk")
            return Response(ReviewSerializer(reviews, many=True).data)
        payload = ReviewRequestSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        review = services.escalation_review(
            escalation=escalation,
            actor=request.user,
            verdict=payload.validated_data["verdict"],
            reason=payload.validated_data["reason"],
        )
        return Response(ReviewSerializer(review).data, status=status.HTTP_201_CREATED)
