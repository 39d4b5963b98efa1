"""What the page and the PDF say about a snapshot, in the same words: key figures, dates, status."""

from datetime import date, datetime

from django.utils import formats
from django.utils.translation import gettext as _

from accounts.models import Organisation


def format_date(value: str | None) -> str:
    """An ISO date or date-time of the snapshot as a short local date."""
    if not value:
        return ""
    parsed = datetime.fromisoformat(value) if "T" in value else date.fromisoformat(value)
    return formats.date_format(parsed, "SHORT_DATE_FORMAT")


def status_line(report) -> str:
    if report.is_issued:
        return _("Herausgegeben am %(date)s von %(person)s. Stand der Zahlen: %(generated)s.") % {
            "date": formats.date_format(report.issued_at, "SHORT_DATE_FORMAT"),
            "person": str(report.issued_by or "–"),
            "generated": format_date(report.data.get("generated_at")),
        }
    return _("Entwurf. Stand der Zahlen: %(generated)s.") % {
        "generated": format_date(report.data.get("generated_at"))
    }


def figure_rows(data: dict) -> list[list]:
    """The key figures of the period as (label, value) rows."""
    t = data["totals"]
    return [
        [_("Projekte im Zeitraum"), t["projects"]],
        [_("Projektschritte (Zustandswechsel)"), t["steps"]],
        [_("Projekte gestartet"), t["started"]],
        [_("Projekte beendet (Endzustand erreicht)"), t["ended"]],
        [_("Terminierte Aufgaben erledigt"), t["tasks_done"]],
        [_("Meilensteine"), t["milestones"]],
        [_("Eskalationen"), t["escalations"]],
        [_("Abstimmungen im Forum"), t["votes"]],
        [_("davon abgeschlossen"), t["votes_closed"]],
        [_("davon angenommen"), t["votes_passed"]],
        [_("Siegel neu verliehen"), t["seals_awarded"]],
        [_("Siegel abgelaufen"), t["seals_expired"]],
        [_("Siegel entzogen"), t["seals_revoked"]],
        [_("Veranstaltungen"), t["events"]],
        [_("Anmeldungen zu Veranstaltungen"), t["event_confirmed"]],
        [_("Teilnehmende an Veranstaltungen"), t["event_attended"]],
        [_("Forumsmitglieder zu Beginn"), t["members_start"]],
        [_("Forumsmitglieder am Ende"), t["members_end"]],
        [_("Eingetreten"), t["members_joined"]],
        [_("Ausgetreten"), t["members_left"]],
    ]


def membership_rows(data: dict) -> list[list]:
    m = data["membership"]
    labels = {
        Organisation.Kind.COMPANY: _("Unternehmen"),
        Organisation.Kind.INTERMEDIARY: _("Intermediäre"),
        Organisation.Kind.ADMINISTRATION: _("Verwaltung"),
    }
    rows = [[_("Personen"), m["people_start"], m["people_end"]]]
    rows += [[label, m[f"{kind}_start"], m[f"{kind}_end"]] for kind, label in labels.items()]
    return rows


def group_summary(totals: dict) -> str:
    return (
        _(
            "%(projects)s Projekte, %(steps)s Schritte, %(milestones)s Meilensteine, "
            "%(escalations)s Eskalationen, %(votes)s Abstimmungen"
        )
        % totals
    )
