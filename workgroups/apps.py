from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkgroupsConfig(AppConfig):
    name = "workgroups"
    verbose_name = _("Gremien")

    def ready(self) -> None:
        from notifications.kinds import register_kind
        from notifications.subjects import ObjectPermission, UserField, register_subject

        from .models import BodyGroupObjectPermission, Invitation

        register_kind("membership_invitation", _("Einladung in ein Gremium"))
        register_subject(
            Invitation,
            UserField("invitee") | ObjectPermission(BodyGroupObjectPermission, "manage_members", via="body"),
        )
