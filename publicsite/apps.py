from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PublicConfig(AppConfig):
    name = "publicsite"
    verbose_name = _("Öffentliche Seiten")
