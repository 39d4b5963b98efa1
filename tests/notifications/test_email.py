from django.core import mail

from notifications.kinds import register_kind
from notifications.models import Notification
from notifications.services import notify


def _send(django_capture_on_commit_callbacks, **kwargs):
    with django_capture_on_commit_callbacks(execute=True):
        return notify(**kwargs)


def _html(email) -> str:
    ((html, mimetype),) = email.alternatives
    assert mimetype == "text/html"
    return html


def test_each_recipient_reads_the_email_in_their_own_language(
    anna, ben, carla, django_capture_on_commit_callbacks
):
    _send(
        django_capture_on_commit_callbacks,
        kind="test_language",
        recipients=[ben, carla],
        actor=anna,
        data={"title": "Jobticket"},
    )
    by_recipient = {m.to[0]: m for m in mail.outbox}
    german, english = by_recipient["ben.schmitz@example.org"], by_recipient["carla.hoffmann@example.org"]
    assert german.subject == "[de] Jobticket"
    assert english.subject == "[en] Jobticket"
    assert "body in de" in german.body and "body in en" in english.body
    assert "body in en" in _html(english)
    assert german.extra_headers["Content-Language"] == "de"
    assert english.extra_headers["Content-Language"] == "en"


def test_every_email_links_to_the_thing_and_to_the_preferences(
    anna, ben, settings, django_capture_on_commit_callbacks
):
    settings.SITE_URL = "https://dialog.aachen.example"
    _send(
        django_capture_on_commit_callbacks,
        kind="test_comment",
        recipients=[ben],
        actor=anna,
        data={"title": "Flyer drucken", "body": "Bitte bis Freitag <b>fertig</b>.", "url": "/tasks/7/"},
    )
    (email,) = mail.outbox
    assert email.subject == "Kommentar zu einer Aufgabe: Flyer drucken"
    assert email.body.startswith("Hallo Ben,")
    assert "Bitte bis Freitag <b>fertig</b>." in email.body
    assert "https://dialog.aachen.example/tasks/7/" in email.body
    assert "https://dialog.aachen.example/notifications/preferences/" in email.body
    html = _html(email)
    assert 'href="https://dialog.aachen.example/notifications/preferences/"' in html
    assert 'href="https://dialog.aachen.example/tasks/7/"' in html
    assert "&lt;b&gt;fertig&lt;/b&gt;" in html  # what people type is shown, never interpreted
    assert email.extra_headers["Auto-Submitted"] == "auto-generated"


def test_a_kind_can_bring_its_own_email_template(
    anna, ben, tmp_path, settings, django_capture_on_commit_callbacks
):
    folder = tmp_path / "templates" / "projects" / "email"
    folder.mkdir(parents=True)
    (folder / "invitation.txt").write_text("Einladung: {{ message.headline }} — {{ preferences_url }}")
    engine = settings.TEMPLATES[0]
    settings.TEMPLATES = [{**engine, "DIRS": [tmp_path / "templates", *engine["DIRS"]]}]
    register_kind("test_invitation", "Einladung", email_template="projects/email/invitation")
    _send(
        django_capture_on_commit_callbacks,
        kind="test_invitation",
        recipients=[ben],
        actor=anna,
        data={"title": "AG Fachkräfte"},
    )
    (email,) = mail.outbox
    assert (
        email.body == "Einladung: Einladung: AG Fachkräfte — http://127.0.0.1:8000/notifications/preferences/"
    )
    assert "Hallo Ben" in _html(email)  # no HTML of its own: the generic one


def test_a_title_missing_a_parameter_still_reads(anna, ben, django_capture_on_commit_callbacks):
    register_kind("test_transition", "Statuswechsel", title="„{project}“ ist jetzt {state}")
    _send(
        django_capture_on_commit_callbacks,
        kind="test_transition",
        recipients=[ben],
        actor=anna,
        data={"project": "Jobticket"},
    )
    assert mail.outbox[0].subject == "„Jobticket“ ist jetzt"


def test_a_notification_of_a_kind_no_longer_registered_is_still_delivered(ben, test_kinds):
    from notifications import kinds
    from notifications.tasks import deliver

    (note,) = notify(kind="test_comment", recipients=[ben], data={"title": "Alt"})
    del kinds._KINDS["test_comment"]
    deliver(ids=list(note.deliveries.values_list("pk", flat=True)))
    assert mail.outbox[0].subject == "test_comment: Alt"
    assert Notification.objects.get().deliveries.get().status == "sent"
