"""Forms of the escalation pages: raising or editing a topic, and a steering member's review."""

from django import forms
from django.utils.translation import gettext_lazy as _

from votes.models import Vote

from .models import Escalation, Review
from .services import project_choices


class EscalationForm(forms.Form):
    title = forms.CharField(label=_("Thema"), max_length=200)
    rationale = forms.CharField(
        label=_("Begründung"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("Warum das Forum darüber entscheiden soll: Hintergrund, bisherige Schritte, Folgen."),
    )
    decision = forms.CharField(
        label=_("Erbetene Entscheidung"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Die Frage, über die das Forum abstimmt, so wie sie auf dem Stimmzettel stehen soll."),
    )
    project = forms.ModelChoiceField(
        label=_("Zugehöriges Projekt"), queryset=None, required=False, empty_label=_("– keines –")
    )
    method = forms.ChoiceField(
        label=_("Abstimmungsverfahren"), choices=Vote.Method.choices, initial=Vote.Method.YES_NO_ABSTAIN
    )
    options = forms.CharField(
        label=_("Optionen"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Eine Option je Zeile. Bei Ja / Nein / Enthaltung stehen die Optionen fest."),
    )
    vote_days = forms.IntegerField(
        label=_("Dauer der Abstimmung (Tage)"), min_value=1, max_value=90, initial=14
    )
    vote_secret = forms.BooleanField(label=_("Geheime Abstimmung"), required=False)

    def __init__(self, *args, workgroup, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["project"].queryset = project_choices(workgroup)

    @classmethod
    def initial_of(cls, escalation: Escalation) -> dict:
        return {
            "title": escalation.title,
            "rationale": escalation.rationale,
            "decision": escalation.decision,
            "project": escalation.project_id,
            "method": escalation.method,
            "options": "\n".join(escalation.options or []),
            "vote_days": escalation.vote_days,
            "vote_secret": escalation.vote_secret,
        }

    def clean_options(self) -> list[str]:
        return [line.strip() for line in self.cleaned_data["options"].splitlines() if line.strip()]


class ReviewForm(forms.Form):
    verdict = forms.ChoiceField(
        label=_("Zustimmung oder Einwand"),
        choices=Review.Verdict.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Bitte zustimmen oder einen Einwand erheben.")},
    )
    reason = forms.CharField(
        label=_("Begründung"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Bitte das Votum begründen.")},
    )
