from django import forms
from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _


class EmailLoginForm(AuthenticationForm):
    username = forms.EmailField(
        label=_("E-Mail-Adresse"),
        widget=forms.EmailInput(attrs={"autofocus": True, "autocomplete": "email"}),
    )


class ProfileForm(forms.Form):
    first_name = forms.CharField(label=_("Vorname"), max_length=100, required=False)
    last_name = forms.CharField(label=_("Nachname"), max_length=100, required=False)
    language = forms.ChoiceField(label=_("Sprache"), choices=settings.LANGUAGES)


class LanguageForm(forms.Form):
    language = forms.ChoiceField(choices=settings.LANGUAGES)
    next = forms.CharField(required=False)
