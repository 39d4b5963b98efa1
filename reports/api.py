"""Reports over the API (staff only; anyone else gets 404): list, new draft, regenerate, issue, data, PDF."""

from __future__ import annotations

from django.http import HttpResponse
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import exceptions, mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response

from core.api import BodyFirstMixin
from workgroups.permissions import is_platform_staff

from . import selectors, services
from .models import Report
from .periods import MAX_PERIOD_DAYS


class PDFRenderer(BaseRenderer):
    media_type = "application/pdf"
    format = "pdf"
    charset = None
    render_style = "binary"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        return data


class ReportSerializer(serializers.ModelSerializer):
    pdf_url = serializers.SerializerMethodField()

    class Meta:
        model = Report
        fields = [
            "id",
            "title",
            "period_start",
            "period_end",
            "status",
            "language",
            "generated_at",
            "created_by",
            "created_at",
            "issued_by",
            "issued_at",
            "pdf_url",
        ]
        read_only_fields = fields

    def get_pdf_url(self, report: Report) -> str:
        return f"/api/v1/reports/{report.pk}/pdf/"


class ReportDetailSerializer(ReportSerializer):
    data = serializers.JSONField(
        read_only=True,
        help_text=_(
            "Die Momentaufnahme: period, totals, themes (mit groups, projects, escalations), votes, "
            "seals (awarded, expired, revoked), events, membership, charts."
        ),
    )

    class Meta(ReportSerializer.Meta):
        fields = [*ReportSerializer.Meta.fields, "data"]
        read_only_fields = fields


class ReportCreateSerializer(serializers.Serializer):
    start = serializers.DateField(help_text=_("Erster Tag des Zeitraums."))
    end = serializers.DateField(
        help_text=_("Letzter Tag des Zeitraums (höchstens %(days)s Tage nach dem ersten).")
        % {"days": MAX_PERIOD_DAYS}
    )
    title = serializers.CharField(max_length=200)


class ReportRegenerateSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=200, required=False, help_text=_("Neuer Titel (optional)."))


class ReportViewSet(
    BodyFirstMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    """The committee's progress reports (staff only). A draft can be regenerated from the current
    data; an issued report is a frozen snapshot: regenerating, issuing again or deleting it answers 409."""

    queryset = Report.objects.none()
    lookup_value_regex = "[0-9]+"
    filterset_class = None

    def initial(self, request, *args, **kwargs) -> None:
        super().initial(request, *args, **kwargs)
        if not is_platform_staff(request.user):
            raise exceptions.NotFound()

    def finalize_response(self, request, response, *args, **kwargs):
        # An error from the PDF download is JSON like every other error.
        if getattr(response, "exception", False) and isinstance(
            getattr(request, "accepted_renderer", None), PDFRenderer
        ):
            request.accepted_renderer, request.accepted_media_type = JSONRenderer(), "application/json"
        return super().finalize_response(request, response, *args, **kwargs)

    def get_serializer_class(self):
        return ReportSerializer if self.action == "list" else ReportDetailSerializer

    def get_queryset(self):
        reports = selectors.reports_visible(user=self.request.user)
        return reports.defer("pdf", "data") if self.action == "list" else reports

    def _detail(self, report: Report, *, status_code: int = status.HTTP_200_OK) -> Response:
        report = selectors.report_get_for_user(user=self.request.user, pk=report.pk)
        return Response(ReportDetailSerializer(report).data, status=status_code)

    @extend_schema(request=ReportCreateSerializer, responses={201: ReportDetailSerializer})
    def create(self, request: Request, *args, **kwargs) -> Response:
        """Compute a draft for the period from the current data (in the caller's language)."""
        payload = ReportCreateSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        report = services.report_create(actor=request.user, **payload.validated_data)
        return self._detail(report, status_code=status.HTTP_201_CREATED)

    def perform_destroy(self, instance: Report) -> None:
        """Delete a draft (an issued report: 409)."""
        services.report_delete(report=instance, actor=self.request.user)

    @extend_schema(request=ReportRegenerateSerializer, responses=ReportDetailSerializer)
    @action(detail=True, methods=["post"])
    def regenerate(self, request: Request, pk=None) -> Response:
        """Recompute a draft's figures and PDF from the current data; 409 once issued."""
        report = self.get_object()
        payload = ReportRegenerateSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        services.report_regenerate(report=report, actor=request.user, **payload.validated_data)
        return self._detail(report)

    @extend_schema(request=None, responses=ReportDetailSerializer)
    @action(detail=True, methods=["post"])
    def issue(self, request: Request, pk=None) -> Response:
        """Issue the draft as it stands; from then on it never changes. 409 if already issued."""
        report = self.get_object()
        services.report_issue(report=report, actor=request.user)
        return self._detail(report)

    @extend_schema(
        responses={
            (200, "application/pdf"): OpenApiResponse(
                OpenApiTypes.BINARY, description=_("Der Bericht als PDF.")
            )
        },
    )
    @action(detail=True, methods=["get"], renderer_classes=[PDFRenderer])
    def pdf(self, request: Request, pk=None) -> HttpResponse:
        """The report as a PDF document."""
        report = self.get_object()
        response = HttpResponse(selectors.report_pdf_bytes(report), content_type="application/pdf")
        filename = f"{slugify(report.title) or 'report'}-{report.pk}.pdf"
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response
