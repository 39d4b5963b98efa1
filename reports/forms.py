from django import forms
from django.utils.translation import gettext_lazy as _

from .periods import Period, quarter_label, recent_quarters


def _quarter_value(period: Period) -> str:
    return f"{period.start.isoformat()}/{period.end.isoformat()}"


class ReportForm(forms.Form):
    """A new report: one of the recent quarters, or a period of one's own."""

    quarter = forms.ChoiceField(label=_("Quartal"), required=False)
    start = forms.DateField(
        label=_("oder von"), required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    end = forms.DateField(
        label=_("bis"), required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    title = forms.CharField(
        label=_("Titel"),
        max_length=200,
        required=False,
        help_text=_("Leer: „Fortschrittsbericht“ mit dem Zeitraum."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.quarters = {_quarter_value(q): q for q in recent_quarters()}
        self.fields["quarter"].choices = [("", _("eigener Zeitraum"))] + [
            (value, quarter_label(q)) for value, q in self.quarters.items()
        ]

    def clean(self):
        data = super().clean()
        quarter = self.quarters.get(data.get("quarter") or "")
        if quarter:
            data["start"], data["end"] = quarter.start, quarter.end
            default_title = _("Fortschrittsbericht %(period)s") % {"period": quarter_label(quarter)}
        else:
            for name in ("start", "end"):
                if not data.get(name) and name not in self.errors:
                    self.add_error(name, _("Wählen Sie ein Quartal oder geben Sie Beginn und Ende an."))
            if self.errors:
                return data
            default_title = _("Fortschrittsbericht %(start)s bis %(end)s") % {
                "start": data["start"].strftime("%d.%m.%Y"),
                "end": data["end"].strftime("%d.%m.%Y"),
            }
        data["title"] = (data.get("title") or "").strip() or default_title
        return data
