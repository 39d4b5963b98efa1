from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkgroupsConfig(AppConfig):
    name = "workgroups"
    verbose_name = _("Gremien")

    def ready(self) -> None:
        from accounts.lifecycle import on_user_deactivate
        from notifications.kinds import register_kind
        from notifications.subjects import ObjectPermission, UserField, register_subject

        from .models import BodyGroupObjectPermission, Invitation
        from .services import memberships_end_for_user

        register_kind("membership_invitation", _("Einladung in ein Gremium"))
        register_subject(
            Invitation,
            UserField("invitee") | ObjectPermission(BodyGroupObjectPermission, "manage_members", via="body"),
        )
        # Deactivating an account leaves every body through the one path of leaving.
        on_user_deactivate(memberships_end_for_user)
