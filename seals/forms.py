"""Forms of the seal pages: statements, evidence, the review's findings and proposal, revocation."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Criterion, Decision

MET_CHOICES = [("yes", _("erfüllt")), ("no", _("nicht erfüllt"))]


class StatementsForm(forms.Form):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for value, label in Criterion.choices:
            self.fields[value] = forms.CharField(
                label=label, required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 4})
            )


class EvidenceForm(forms.Form):
    criterion = forms.ChoiceField(label=_("Kriterium"), choices=Criterion.choices)
    file = forms.FileField(
        label=_("Datei"),
        help_text=_("PDF, PNG oder JPEG, höchstens 10 MB."),
        error_messages={"required": _("Bitte wählen Sie eine Datei aus.")},
        widget=forms.ClearableFileInput(
            attrs={"accept": ".pdf,.png,.jpg,.jpeg,application/pdf,image/png,image/jpeg"}
        ),
    )


class LogoForm(forms.Form):
    logo = forms.FileField(
        label=_("Logo"),
        help_text=_("PNG oder JPEG, höchstens 2 MB; es erscheint im Verzeichnis der Siegelträger."),
        error_messages={"required": _("Bitte wählen Sie eine Datei aus.")},
        widget=forms.ClearableFileInput(attrs={"accept": "image/png,image/jpeg"}),
    )


class FindingForm(forms.Form):
    criterion = forms.ChoiceField(choices=Criterion.choices, widget=forms.HiddenInput)
    met = forms.ChoiceField(
        label=_("Ergebnis"),
        choices=MET_CHOICES,
        widget=forms.RadioSelect,
        error_messages={"required": _("Bitte erfüllt oder nicht erfüllt wählen.")},
    )
    comment = forms.CharField(
        label=_("Kommentar"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )


class ProposalForm(forms.Form):
    decision = forms.ChoiceField(label=_("Vorschlag"), choices=Decision.choices, widget=forms.RadioSelect)
    comment = forms.CharField(
        label=_("Begründung"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )


class RevokeForm(forms.Form):
    reason = forms.CharField(
        label=_("Grund des Entzugs"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Bitte geben Sie den Grund für den Entzug an.")},
    )
