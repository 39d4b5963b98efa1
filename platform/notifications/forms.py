from django import forms

from .kinds import Preference
from .selectors import PreferenceRow


class PreferencesForm(forms.Form):
    """One choice per registered kind: immediately, in the daily digest, or no email."""

    def __init__(self, *args, rows: list[PreferenceRow], **kwargs):
        super().__init__(*args, **kwargs)
        for row in rows:
            self.fields[row.kind] = forms.ChoiceField(
                label=row.label,
                choices=Preference.choices,
                initial=row.value,
                widget=forms.RadioSelect,
                required=False,  # a kind left out keeps its current setting
            )

    def chosen(self) -> dict[str, str]:
        return {kind: value for kind, value in self.cleaned_data.items() if value}
