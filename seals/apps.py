from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SealsConfig(AppConfig):
    name = "seals"
    verbose_name = _("Siegel „Made in Aachen“")

    def ready(self) -> None:
        from notifications.kinds import register_kind
        from notifications.subjects import register_subject

        from . import services as s
        from . import workflow  # noqa: F401 - registers the roles, definition, guards and effects
        from .models import Application

        kinds = [
            (
                s.KIND_SUBMITTED,
                _("Siegel: Antrag eingegangen"),
                _("Ihr Antrag auf das Siegel für {title} ist eingegangen"),
            ),
            (
                s.KIND_IN_REVIEW,
                _("Siegel: Antrag in Prüfung"),
                _("Ihr Antrag auf das Siegel für {title} wird geprüft"),
            ),
            (
                s.KIND_INFORMATION_REQUESTED,
                _("Siegel: Rückfrage zum Antrag"),
                _("Rückfrage zum Antrag auf das Siegel für {title}"),
            ),
            (
                s.KIND_AWARDED,
                _("Siegel: verliehen"),
                _("{title} trägt das Siegel „Made in Aachen“ bis {valid_until}"),
            ),
            (
                s.KIND_REFUSED,
                _("Siegel: Antrag abgelehnt"),
                _("Der Antrag auf das Siegel für {title} ist abgelehnt"),
            ),
            (
                s.KIND_REVOKED,
                _("Siegel: entzogen"),
                _("Das Siegel „Made in Aachen“ von {title} ist entzogen"),
            ),
            (
                s.KIND_EXPIRED,
                _("Siegel: abgelaufen"),
                _("Das Siegel „Made in Aachen“ von {title} ist abgelaufen"),
            ),
            (s.KIND_NEW_SUBMISSION, _("Siegel: neuer Antrag"), _("Neuer Antrag auf das Siegel: {title}")),
            (
                s.KIND_RESUBMITTED,
                _("Siegel: Antrag ergänzt"),
                _("{title} hat den Antrag auf das Siegel ergänzt"),
            ),
            (
                s.KIND_AWAITING_CONFIRMATION,
                _("Siegel: Entscheidung zu bestätigen"),
                _("Siegel für {title}: {actor} schlägt eine Entscheidung vor, bitte bestätigen"),
            ),
        ]
        for key, label, title in kinds:
            register_kind(key, label, title=title, body=_body)
        register_subject(Application, viewers=_viewers, visible_ids=_visible_ids)


def _body(notification) -> str:
    data = notification.data
    return "\n\n".join(str(data[k]) for k in ("comment", "reason") if data.get(k))


def _viewers(application):
    from django.db.models import Q

    from accounts.models import User

    from .workflow import application_workflow_role_holders

    return User.objects.filter(
        Q(pk__in=application_workflow_role_holders(application, "applicant").values("pk"))
        | Q(pk__in=application_workflow_role_holders(application, "staff").values("pk"))
        | Q(is_superuser=True)
    )


def _visible_ids(user):
    from .models import Application
    from .permissions import visible_condition

    if user.is_superuser:
        return None
    return Application.objects.filter(visible_condition(user)).values("pk")
