import pytest
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from accounts.models import Organisation, User
from notifications import kinds, subjects
from notifications.kinds import Preference, register_kind
from notifications.subjects import register_subject
from tests.factories import UserFactory

REPORT = pytest.StashKey[list]()


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    for line in config.stash.get(REPORT, []):
        terminalreporter.write_line(line)


@pytest.fixture
def report_line(request):
    """Print a line in the run's summary (the SIGKILL test reports its duplicates there)."""

    def report(line: str) -> None:
        request.config.stash.setdefault(REPORT, []).append(line)

    return report


@pytest.fixture(autouse=True)
def test_kinds(monkeypatch):
    """Kinds as the domain apps register them, in a registry that is restored after the test."""
    monkeypatch.setattr(kinds, "_KINDS", dict(kinds._KINDS))
    return {
        "assigned": register_kind(
            "test_assigned", _("Aufgabe zugewiesen"), title=_("{actor} hat Ihnen „{title}“ zugewiesen")
        ),
        "comment": register_kind("test_comment", _("Kommentar zu einer Aufgabe")),
        "digest": register_kind(
            "test_digest", _("Projekt hat den Status gewechselt"), default=Preference.DIGEST
        ),
        "quiet": register_kind("test_quiet", _("Neues Mitglied"), default=Preference.OFF),
        # Says which language it was rendered in, independent of the message catalogue.
        "language": register_kind(
            "test_language",
            _("Sprachprobe"),
            title=lambda n: f"[{get_language()}] {n.data['title']}",
            body=lambda n: f"body in {get_language()}",
        ),
    }


@pytest.fixture(autouse=True)
def test_subjects(monkeypatch):
    """The domain apps' subjects, and organisations and people as subjects everyone may see
    (for the tests of sending and showing); restored after the test."""
    monkeypatch.setattr(subjects, "_SUBJECTS", dict(subjects._SUBJECTS))
    for model in (Organisation, User):
        register_subject(model, viewers=lambda subject: User.objects.all(), visible_ids=lambda user: None)


@pytest.fixture
def ben(db, organisation):
    return UserFactory(
        email="ben.schmitz@example.org", first_name="Ben", last_name="Schmitz", organisation=organisation
    )


@pytest.fixture
def carla(db):
    return UserFactory(
        email="carla.hoffmann@example.org", first_name="Carla", last_name="Hoffmann", language="en"
    )


@pytest.fixture
def staff(db):
    return UserFactory(email="eva.klein@example.org", first_name="Eva", last_name="Klein", is_staff=True)


@pytest.fixture
def real_smtp(settings):
    """Mail from this process goes over SMTP to a real server on localhost."""
    from tests.notifications.support import ScriptedSmtpServer

    server = ScriptedSmtpServer().start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = server.port
    settings.EMAIL_TIMEOUT = 5
    yield server
    server.stop()
