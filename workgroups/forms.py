from django import forms
from django.conf import settings
from django.contrib.auth import password_validation
from django.utils.translation import gettext_lazy as _

from accounts.models import Organisation

from .models import Role


class InvitationForm(forms.Form):
    email = forms.EmailField(label=_("E-Mail-Adresse der Person"))
    role = forms.ChoiceField(
        label=_("Rolle"), choices=[(Role.MEMBER, Role.MEMBER.label), (Role.CHAIR, Role.CHAIR.label)]
    )


class RoleForm(forms.Form):
    role = forms.ChoiceField(
        label=_("Rolle"), choices=[(Role.MEMBER, Role.MEMBER.label), (Role.CHAIR, Role.CHAIR.label)]
    )


class InvitationRegistrationForm(forms.Form):
    """Registration through an invitation link; the email address is the invitation's."""

    first_name = forms.CharField(label=_("Vorname"), max_length=100)
    last_name = forms.CharField(label=_("Nachname"), max_length=100)
    password1 = forms.CharField(
        label=_("Passwort"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=password_validation.password_validators_help_text_html(),
    )
    password2 = forms.CharField(
        label=_("Passwort wiederholen"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    organisation = forms.ModelChoiceField(
        label=_("Organisation"),
        queryset=Organisation.objects.filter(is_confirmed=True).order_by("name"),
        required=False,
        empty_label=_("— meine Organisation ist nicht aufgeführt —"),
    )
    organisation_name = forms.CharField(
        label=_("Neue Organisation vorschlagen"),
        max_length=200,
        required=False,
        help_text=_(
            "Die Wirtschaftsförderung bestätigt neue Organisationen, bevor sie öffentlich erscheinen."
        ),
    )
    language = forms.ChoiceField(
        label=_("Sprache"), choices=settings.LANGUAGES, initial=settings.LANGUAGE_CODE
    )

    def clean(self):
        data = super().clean()
        if data.get("password1") and data.get("password2") and data["password1"] != data["password2"]:
            self.add_error("password2", _("Die beiden Passwörter stimmen nicht überein."))
        if not data.get("organisation") and not (data.get("organisation_name") or "").strip():
            self.add_error(
                "organisation", _("Bitte wählen Sie Ihre Organisation oder schlagen Sie eine neue vor.")
            )
        return data
