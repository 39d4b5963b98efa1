"""API authentication by named keys (`Authorization: Token <key>`), stored as keyed hashes."""

from django.utils import translation
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions
from rest_framework.authentication import TokenAuthentication

from .models import ApiToken
from .services import api_token_touch
from .tokens import key_digest


class ApiTokenAuthentication(TokenAuthentication):
    """Looks the key up by its digest; the person's language then applies, as it does for a session."""

    def authenticate_credentials(self, key):
        token = ApiToken.objects.select_related("user").filter(digest=key_digest(key)).first()
        if token is None:
            raise exceptions.AuthenticationFailed(_("Ungültiger API-Schlüssel."))
        if not token.user.is_active:
            raise exceptions.AuthenticationFailed(_("Dieses Konto ist deaktiviert."))
        api_token_touch(token=token)
        # accounts.middleware applies the profile language for sessions only; API keys are
        # checked later, here, so the person's language is applied here too.
        if token.user.language:
            translation.activate(token.user.language)
        return token.user, token
