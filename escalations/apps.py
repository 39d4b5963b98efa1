from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EscalationsConfig(AppConfig):
    name = "escalations"
    verbose_name = _("Eskalationen")

    def ready(self) -> None:
        from notifications.kinds import register_kind
        from notifications.subjects import ObjectPermission, register_subject
        from workgroups.pages import register_body_page_context

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
        register_body_page_context(_body_escalations)


def _body_escalations(*, user, body) -> dict:
    """A working group's page lists its escalations, a steering team's those of its groups."""
    from workgroups.models import Body

    from .permissions import may_raise
    from .selectors import escalations_of_group, escalations_of_steering_team

    if body.kind == Body.Kind.WORKING_GROUP:
        escalations = list(escalations_of_group(user=user, body=body)[:20])
        can_raise = may_raise(user, body)
    elif body.kind == Body.Kind.STEERING_TEAM:
        escalations, can_raise = list(escalations_of_steering_team(user=user, body=body)[:20]), False
    else:
        return {}
    if not escalations and not can_raise:
        return {}
    return {
        "escalations_section": "escalations/_group_section.html",
        "group_escalations": escalations,
        "can_raise_escalation": can_raise,
    }
