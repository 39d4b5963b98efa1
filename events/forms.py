"""Forms of the event pages: an event (staff), a guest invitation."""

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import Organisation

from .models import Event

DATETIME_INPUT = "%Y-%m-%dT%H:%M"


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs):
        super().__init__(format=DATETIME_INPUT, **kwargs)


class EventForm(forms.ModelForm):
    starts_at = forms.DateTimeField(label=_("Beginn"), widget=DateTimeInput(), input_formats=[DATETIME_INPUT])
    ends_at = forms.DateTimeField(label=_("Ende"), widget=DateTimeInput(), input_formats=[DATETIME_INPUT])

    class Meta:
        model = Event
        fields = [
            "title",
            "slug",
            "summary",
            "agenda",
            "starts_at",
            "ends_at",
            "host",
            "venue",
            "address",
            "capacity",
            "is_public",
        ]
        widgets = {
            "summary": forms.Textarea(attrs={"rows": 3}),
            "agenda": forms.Textarea(attrs={"rows": 10}),
        }
        help_texts = {"slug": _("Teil der Adresse; leer lassen, um ihn aus dem Titel zu bilden.")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["slug"].required = False
        self.fields["host"].queryset = Organisation.objects.order_by("name")

    def validate_unique(self) -> None:
        """The service checks the slug (and says so on the field); no second query here."""

    def _post_clean(self) -> None:
        # The service builds and validates the event; the form only checks the input's shape.
        pass


class GuestInviteForm(forms.Form):
    email = forms.EmailField(label=_("E-Mail-Adresse"), max_length=254)
    name = forms.CharField(label=_("Name"), max_length=200, required=False)
    organisation = forms.ModelChoiceField(
        label=_("Organisation"), queryset=Organisation.objects.order_by("name"), required=False
    )
