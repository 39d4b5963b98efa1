from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EventsConfig(AppConfig):
    name = "events"
    verbose_name = _("Veranstaltungen")

    def ready(self) -> None:
        from notifications.kinds import register_kind
        from notifications.subjects import register_subject

        from . import services
        from .models import Event

        register_kind(
            services.KIND_CONFIRMED,
            _("Anmeldung zu einer Veranstaltung bestätigt"),
            title=_("Ihre Anmeldung zu „{title}“ am {date} ist bestätigt"),
        )
        register_kind(
            services.KIND_WAITING,
            _("Auf der Warteliste einer Veranstaltung"),
            title=_("„{title}“ am {date} ist ausgebucht: Sie stehen auf Platz {position} der Warteliste"),
        )
        register_kind(
            services.KIND_MOVED_UP,
            _("Von der Warteliste nachgerückt"),
            title=_("Ein Platz ist frei geworden: Ihre Anmeldung zu „{title}“ am {date} ist bestätigt"),
        )
        register_kind(
            services.KIND_CHANGED,
            _("Veranstaltung geändert"),
            title=_("„{title}“ wurde geändert: jetzt am {date}, {venue}"),
        )
        register_kind(
            services.KIND_CANCELLED,
            _("Veranstaltung abgesagt"),
            title=_("„{title}“ am {date} ist abgesagt"),
        )
        register_subject(Event, viewers=_event_viewers, visible_ids=_event_ids)


def _event_viewers(event):
    """Every active person of the platform may see an event (public or not)."""
    from accounts.models import User

    return User.objects.filter(is_active=True)


def _event_ids(user):
    return None if user.is_active else _no_events()


def _no_events():
    from .models import Event

    return Event.objects.none().values("pk")
