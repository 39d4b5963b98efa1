from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EscalationsConfig(AppConfig):
    name = "escalations"
    verbose_name = _("Eskalationen")

    def ready(self) -> None:
        from notifications.kinds import register_kind
        from notifications.subjects import ObjectPermission, register_subject

        from . import workflow  # registers the escalation guards and effects (on import)
        from .models import Escalation, EscalationGroupObjectPermission
        from .services import KIND_DECIDED, KIND_RAISED

        register_kind(
            KIND_RAISED,
            _("Eskalation an das Steuerteam"),
            title=_("{group} bittet das Steuerteam um Freigabe: „{title}“"),
        )
        register_kind(
            KIND_DECIDED,
            _("Entscheidung des Steuerteams über eine Eskalation"),
            title=workflow.decided_title,
        )
        register_subject(Escalation, ObjectPermission(EscalationGroupObjectPermission, "view_escalation"))
