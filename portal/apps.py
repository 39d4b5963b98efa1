from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    """The site's front: home, dashboard, search, demo data. It sits above every other app."""

    name = "portal"
    verbose_name = _("Portal")
