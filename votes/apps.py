from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VotesConfig(AppConfig):
    name = "votes"
    verbose_name = _("Abstimmungen")

    def ready(self) -> None:
        from notifications.kinds import register_kind
        from notifications.reminders import register_reminder_source
        from notifications.subjects import register_subject

        from .models import Vote
        from .permissions import vote_viewers
        from .reminders import votes_closing
        from .selectors import visible_vote_ids
        from .services import KIND_CLOSED, KIND_CLOSING, KIND_OPENED

        register_kind(
            KIND_OPENED, _("Abstimmung geöffnet"), title=_("Abstimmung geöffnet: „{title}“ (bis {closes})")
        )
        register_kind(
            KIND_CLOSING,
            _("Abstimmung schließt bald (noch nicht abgestimmt)"),
            title=_("Noch bis {closes}: Ihre Stimme zu „{title}“ fehlt"),
        )
        register_kind(KIND_CLOSED, _("Abstimmung geschlossen, Ergebnis"), title=_("Ergebnis: „{title}“"))
        register_reminder_source("votes.closing", votes_closing)
        register_subject(Vote, viewers=vote_viewers, visible_ids=visible_vote_ids)
