"""The committee's progress report: a period's figures, kept as a snapshot, issued once and then frozen."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


class ReportFrozen(RuntimeError):
    """Code tried to change or delete an issued report (a bug: services refuse it with a reason first)."""


class Report(models.Model):
    """A report for one period. `data` holds every figure the page and the PDF show; once issued,
    neither `data` nor the PDF ever change (save() refuses, and a database trigger too)."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Entwurf")
        ISSUED = "issued", _("herausgegeben")

    title = models.CharField(_("Titel"), max_length=200)
    period_start = models.DateField(_("Zeitraum von"))
    period_end = models.DateField(_("Zeitraum bis"))
    status = models.CharField(_("Stand"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    language = models.CharField(_("Sprache"), max_length=8, default="de")
    data = models.JSONField(_("Zahlen (Momentaufnahme)"), default=dict, editable=False)
    pdf = models.BinaryField(_("PDF"), editable=False, default=b"")
    generated_at = models.DateTimeField(_("berechnet am"), null=True, blank=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("angelegt am"), auto_now_add=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("herausgegeben von"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    issued_at = models.DateTimeField(_("herausgegeben am"), null=True, blank=True)

    class Meta:
        ordering = ["-period_end", "-pk"]
        verbose_name = _("Bericht an den Ausschuss")
        verbose_name_plural = _("Berichte an den Ausschuss")
        constraints = [
            models.CheckConstraint(
                condition=Q(period_end__gte=models.F("period_start")), name="report_period_order"
            ),
            models.CheckConstraint(
                condition=Q(status="issued", issued_at__isnull=False)
                | Q(status="draft", issued_at__isnull=True),
                name="report_issued_with_date",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def save(self, **kwargs) -> None:
        # reports.services writes every change; an issued report is a frozen snapshot for good.
        if not self._state.adding and Report.objects.filter(pk=self.pk, status=self.Status.ISSUED).exists():
            raise ReportFrozen(f"report #{self.pk} is issued: it never changes")
        super().save(**kwargs)

    def get_absolute_url(self) -> str:
        return reverse("reports:detail", kwargs={"pk": self.pk})

    @property
    def is_issued(self) -> bool:
        return self.status == self.Status.ISSUED

    def delete(self, *args, **kwargs):
        if Report.objects.filter(pk=self.pk, status=self.Status.ISSUED).exists():
            raise ReportFrozen(f"report #{self.pk} is issued: it is kept for good")
        return super().delete(*args, **kwargs)
