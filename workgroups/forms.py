from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Role


class InvitationForm(forms.Form):
    email = forms.EmailField(label=_("E-Mail-Adresse der Person"))
    role = forms.ChoiceField(
        label=_("Rolle"), choices=[(Role.MEMBER, Role.MEMBER.label), (Role.CHAIR, Role.CHAIR.label)]
    )
