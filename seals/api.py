"""The seal over the API: applications (statements, evidence, findings, proposal, workflow steps)
and the public register of seals with their verification."""

from __future__ import annotations

import uuid
from typing import Any

from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_field, extend_schema_view
from rest_framework import mixins, permissions, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser
from rest_framework.request import Request
from rest_framework.response import Response

from core.api import BodyFirstMixin
from core.parsers import JSONParser
from workflows.api import (
    AvailableTransitionSerializer,
    HistoryEntrySerializer,
    TransitionRequestSerializer,
    WorkflowActionsMixin,
)
from workflows.selectors import workflow_available_transitions, workflow_history
from workflows.spec import STATE_CLASSES

from . import permissions as seal_permissions
from . import selectors, services
from .models import Application, Criterion, CriterionReview, Decision, Evidence, Seal
from .uploads import NameKeepingMultiPartApiParser


class EvidenceSerializer(serializers.ModelSerializer):
    download_url = serializers.SerializerMethodField()

    class Meta:
        model = Evidence
        fields = ["id", "criterion", "name", "content_type", "size", "sha256", "uploaded_at", "download_url"]
        read_only_fields = fields

    def get_download_url(self, evidence: Evidence) -> str:
        from django.urls import reverse

        return reverse("seals:evidence", kwargs={"pk": evidence.application_id, "evidence_pk": evidence.pk})


class EvidenceUploadSerializer(serializers.Serializer):
    criterion = serializers.ChoiceField(choices=Criterion.choices)
    file = serializers.FileField(
        help_text=_("PDF, PNG oder JPEG (geprüft wird der Inhalt), höchstens 10 MB.")
    )


class CriterionReviewSerializer(serializers.ModelSerializer):
    reviewer_name = serializers.SerializerMethodField()

    class Meta:
        model = CriterionReview
        fields = ["id", "criterion", "met", "comment", "reviewer", "reviewer_name", "updated_at"]
        read_only_fields = ["id", "reviewer", "reviewer_name", "updated_at"]

    def get_reviewer_name(self, review: CriterionReview) -> str:
        return str(review.reviewer)


class CriterionReviewRequestSerializer(serializers.Serializer):
    criterion = serializers.ChoiceField(choices=Criterion.choices)
    met = serializers.BooleanField()
    comment = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")


class ProposalRequestSerializer(serializers.Serializer):
    decision = serializers.ChoiceField(choices=Decision.choices)
    comment = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")


class StatementsField(serializers.DictField):
    """The statements by criterion: {"production": "…", "training": "…", …}."""

    def __init__(self, **kwargs):
        super().__init__(child=serializers.CharField(max_length=5000, allow_blank=True), **kwargs)

    def get_attribute(self, instance: Application) -> dict[str, str]:
        return {statement.criterion: statement.text for statement in instance.statements.all()}


class ApplicationSerializer(serializers.ModelSerializer):
    """An application for the seal; `renews` names a still valid seal of the organisation to renew."""

    organisation_name = serializers.CharField(source="organisation.name", read_only=True)
    renews = serializers.PrimaryKeyRelatedField(queryset=Seal.objects.none(), allow_null=True, required=False)
    statements = StatementsField(required=False, help_text=_("Die Darlegungen je Kriterium."))
    state_label = serializers.CharField(read_only=True)
    state_class = serializers.ChoiceField(choices=STATE_CLASSES, read_only=True)

    class Meta:
        model = Application
        fields = [
            "id",
            "organisation",
            "organisation_name",
            "applicant",
            "renews",
            "statements",
            "state",
            "state_label",
            "state_class",
            "proposed_decision",
            "proposed_by",
            "proposed_at",
            "proposal_comment",
            "created_at",
            "updated_at",
        ]
        read_only_fields = [
            "organisation",
            "applicant",
            "state",
            "proposed_decision",
            "proposed_by",
            "proposed_at",
            "proposal_comment",
            "created_at",
            "updated_at",
        ]

    def get_fields(self):
        fields = super().get_fields()
        request = self.context.get("request")
        if request is not None and request.user.is_authenticated and "renews" in fields:
            fields["renews"].queryset = selectors.seals_of_organisation(
                organisation_id=request.user.organisation_id
            )
        return fields


class ApplicationUpdateSerializer(ApplicationSerializer):
    class Meta(ApplicationSerializer.Meta):
        read_only_fields = [*ApplicationSerializer.Meta.read_only_fields, "renews"]


class ApplicationDetailSerializer(ApplicationSerializer):
    """An application with its evidence, the findings (staff), the caller's next steps and the history."""

    evidence = serializers.SerializerMethodField()
    reviews = serializers.SerializerMethodField(
        help_text=_("Die Prüfergebnisse je Kriterium (nur Geschäftsstelle).")
    )
    transitions = serializers.SerializerMethodField(help_text=_("Die nächsten Schritte, für den Aufrufer."))
    history = serializers.SerializerMethodField()
    seal = serializers.SerializerMethodField()

    class Meta(ApplicationSerializer.Meta):
        fields = [*ApplicationSerializer.Meta.fields, "evidence", "reviews", "transitions", "history", "seal"]
        read_only_fields = fields

    @extend_schema_field(EvidenceSerializer(many=True))
    def get_evidence(self, application: Application) -> list[dict[str, Any]]:
        return EvidenceSerializer(application.evidence.all(), many=True).data

    @extend_schema_field(CriterionReviewSerializer(many=True))
    def get_reviews(self, application: Application) -> list[dict[str, Any]]:
        if not seal_permissions.is_staff(self.context["request"].user):
            return []
        return CriterionReviewSerializer(
            application.criterion_reviews.select_related("reviewer"), many=True
        ).data

    @extend_schema_field(AvailableTransitionSerializer(many=True))
    def get_transitions(self, application: Application) -> list[dict[str, Any]]:
        available = workflow_available_transitions(subject=application, user=self.context["request"].user)
        return AvailableTransitionSerializer(available, many=True).data

    @extend_schema_field(HistoryEntrySerializer(many=True))
    def get_history(self, application: Application) -> list[dict[str, Any]]:
        return HistoryEntrySerializer(workflow_history(subject=application), many=True).data

    @extend_schema_field(
        serializers.UUIDField(allow_null=True, help_text=_("Die öffentliche Kennung des Siegels."))
    )
    def get_seal(self, application: Application):
        seal = Seal.objects.filter(application=application).only("public_id").first()
        return str(seal.public_id) if seal else None


@extend_schema_view(
    take_transition=extend_schema(
        description="submit, start_review, request_information (comment required), award / refuse (a second "
        "member of staff confirms the proposal), withdraw; 409 if the application moved on.",
        request=TransitionRequestSerializer,
        responses=ApplicationDetailSerializer,
    )
)
class ApplicationViewSet(
    BodyFirstMixin,
    WorkflowActionsMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """Applications for the seal you may see: your organisation's, or all of them for staff.

    The company writes statements and uploads evidence while the application is a draft or answers
    a question, then submits it; staff record a finding per criterion and propose the decision, which
    a *different* member of staff confirms (`award` / `refuse`)."""

    queryset = Application.objects.none()
    lookup_value_regex = "[0-9]+"
    filterset_class = None

    def get_serializer_class(self):
        if self.action in ("update", "partial_update"):
            return ApplicationUpdateSerializer
        return ApplicationDetailSerializer if self.action == "retrieve" else ApplicationSerializer

    def get_queryset(self):
        return (
            selectors.applications_visible(user=self.request.user)
            .prefetch_related("statements")
            .order_by("-created_at", "-pk")
        )

    def _detail(self, application: Application, *, status_code: int = status.HTTP_200_OK) -> Response:
        application = selectors.application_get_for_user(user=self.request.user, pk=application.pk)
        data = ApplicationDetailSerializer(application, context=self.get_serializer_context()).data
        return Response(data, status=status_code)

    @extend_schema(request=ApplicationSerializer, responses={201: ApplicationDetailSerializer})
    def create(self, request: Request, *args, **kwargs) -> Response:
        """Apply (or renew) for your own organisation; it starts as a draft."""
        payload = self.get_serializer(data=request.data)
        payload.is_valid(raise_exception=True)
        if request.user.organisation_id is None:
            raise Http404
        application = services.application_create(
            organisation=request.user.organisation,
            actor=request.user,
            renews=payload.validated_data.get("renews"),
        )
        statements = payload.validated_data.get("statements")
        if statements:
            services.statements_update(application=application, actor=request.user, texts=statements)
        return self._detail(application, status_code=status.HTTP_201_CREATED)

    @extend_schema(request=ApplicationUpdateSerializer, responses=ApplicationDetailSerializer)
    def update(self, request: Request, *args, **kwargs) -> Response:
        """Change the statements (draft, or while a question is open)."""
        application = self.get_object()
        payload = ApplicationUpdateSerializer(
            application,
            data=request.data,
            partial=kwargs.get("partial", False),
            context=self.get_serializer_context(),
        )
        payload.is_valid(raise_exception=True)
        if not seal_permissions.is_company_side(request.user, application):
            raise Http404 if not seal_permissions.may_view(request.user, application) else _forbidden()
        services.statements_update(
            application=application, actor=request.user, texts=payload.validated_data.get("statements", {})
        )
        return self._detail(application)

    @extend_schema(request=ApplicationUpdateSerializer, responses=ApplicationDetailSerializer)
    def partial_update(self, request: Request, *args, **kwargs) -> Response:
        return self.update(request, *args, partial=True, **kwargs)

    def workflow_step(self, subject: Application, **step) -> None:
        services.application_transition(application=subject, actor=self.request.user, **step)

    def workflow_step_response(self, subject: Application) -> Response:
        return self._detail(subject)

    @extend_schema(methods=["GET"], responses=EvidenceSerializer(many=True), filters=False)
    @extend_schema(
        methods=["POST"],
        request={"multipart/form-data": EvidenceUploadSerializer},
        responses={201: EvidenceSerializer},
    )
    @action(
        detail=True,
        methods=["get", "post"],
        pagination_class=None,
        filterset_class=None,
        parser_classes=[NameKeepingMultiPartApiParser, FormParser, JSONParser],
    )
    def evidence(self, request: Request, pk=None) -> Response:
        """GET: the evidence files. POST (multipart: `criterion`, `file`): add one; refused files
        (not PDF/PNG/JPEG by content, too large, a name with path characters) answer 400 and leave nothing."""
        application = self.get_object()
        if request.method == "GET":
            return Response(EvidenceSerializer(application.evidence.all(), many=True).data)
        payload = EvidenceUploadSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        evidence = services.evidence_add(
            application=application,
            actor=request.user,
            criterion=payload.validated_data["criterion"],
            upload=payload.validated_data["file"],
        )
        return Response(EvidenceSerializer(evidence).data, status=status.HTTP_201_CREATED)

    @extend_schema(methods=["GET"], responses=CriterionReviewSerializer(many=True), filters=False)
    @extend_schema(
        methods=["POST"], request=CriterionReviewRequestSerializer, responses={200: CriterionReviewSerializer}
    )
    @action(detail=True, methods=["get", "post"], pagination_class=None, filterset_class=None)
    def reviews(self, request: Request, pk=None) -> Response:
        """Staff: the findings per criterion (GET) or record one (POST: met, with a comment if not)."""
        application = self.get_object()
        if not seal_permissions.is_staff(request.user):
            raise Http404
        if request.method == "GET":
            reviews = application.criterion_reviews.select_related("reviewer")
            return Response(CriterionReviewSerializer(reviews, many=True).data)
        payload = CriterionReviewRequestSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        review = services.criterion_review_set(
            application=application, actor=request.user, **payload.validated_data
        )
        return Response(CriterionReviewSerializer(review).data)

    @extend_schema(request=ProposalRequestSerializer, responses=ApplicationDetailSerializer)
    @action(detail=True, methods=["post"])
    def propose(self, request: Request, pk=None) -> Response:
        """Staff propose award (all four criteria met) or refusal (with a reason); another confirms."""
        application = self.get_object()
        if not seal_permissions.is_staff(request.user):
            raise Http404
        payload = ProposalRequestSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        services.application_propose(application=application, actor=request.user, **payload.validated_data)
        return self._detail(application)


def _forbidden():
    from rest_framework.exceptions import PermissionDenied

    return PermissionDenied()


class SealSerializer(serializers.ModelSerializer):
    """A seal as the public sees it: holder, period, status today, and where to verify it."""

    organisation_name = serializers.CharField(source="organisation.name", read_only=True)
    status = serializers.SerializerMethodField()
    verification_url = serializers.SerializerMethodField()
    badge_url = serializers.SerializerMethodField()

    class Meta:
        model = Seal
        fields = [
            "public_id",
            "organisation_name",
            "valid_from",
            "valid_until",
            "revoked_at",
            "status",
            "verification_url",
            "badge_url",
        ]
        read_only_fields = fields

    @extend_schema_field(serializers.ChoiceField(choices=Seal.Status.choices))
    def get_status(self, seal: Seal) -> str:
        return seal.status_on(timezone.localdate())

    def get_verification_url(self, seal: Seal) -> str:
        return self.context["request"].build_absolute_uri(seal.get_absolute_url())

    def get_badge_url(self, seal: Seal) -> str:
        from django.urls import reverse

        return self.context["request"].build_absolute_uri(
            reverse("seals:badge", kwargs={"public_id": seal.public_id})
        )


class RevokeRequestSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=2000)


class SealViewSet(BodyFirstMixin, viewsets.ReadOnlyModelViewSet):
    """The public register (list: seals valid today) and verification by public id (any seal, with
    its status: valid, expired, revoked). Anonymous read; staff may revoke."""

    queryset = Seal.objects.none()
    serializer_class = SealSerializer
    permission_classes = [permissions.AllowAny]
    lookup_field = "public_id"
    lookup_value_regex = "[^/.]+"
    filterset_class = None

    def get_object(self) -> Seal:
        try:
            uuid.UUID(str(self.kwargs.get("public_id", "")))
        except ValueError:
            raise Http404 from None
        return super().get_object()

    def get_queryset(self):
        if self.action == "list":
            return selectors.seals_current()
        return Seal.objects.select_related("organisation")

    @extend_schema(request=RevokeRequestSerializer, responses=SealSerializer)
    @action(detail=True, methods=["post"], permission_classes=[permissions.IsAuthenticated])
    def revoke(self, request: Request, public_id=None) -> Response:
        """Staff revoke the seal with a reason; the holder's people are told."""
        seal = self.get_object()
        if not seal_permissions.may_revoke(request.user):
            raise Http404
        payload = RevokeRequestSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        seal = services.seal_revoke(seal=seal, actor=request.user, reason=payload.validated_data["reason"])
        return Response(SealSerializer(seal, context=self.get_serializer_context()).data)
