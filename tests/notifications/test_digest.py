from datetime import timedelta

from django.core import mail
from django.utils import timezone

from notifications.models import Delivery
from notifications.services import notify, preferences_update
from notifications.tasks import digests_send, sweep


def _event(actor, people, title, **data):
    return notify(kind="test_digest", recipients=people, actor=actor, data={"title": title, **data})


def test_digest_is_one_email_grouped_by_working_group_and_project(anna, ben, carla):
    _event(
        anna, [ben], "Ticketpreise verhandelt", group="AG Fachkräfte", project="Jobticket", url="/projects/2/"
    )
    _event(anna, [ben], "Neues Mitglied", group="AG Fachkräfte")
    _event(anna, [ben], "Praktikum bestätigt", group="AG CSR", project="Lehrerpraktikanten in der Wirtschaft")
    _event(anna, [ben], "Forum tagt am 24. Juni")
    _event(anna, [ben, carla], "Antrag gestellt", group="AG Fachkräfte", project="Jobticket")
    _event(anna, [ben], "Erstes Treffen", group="AG Fachkräfte", project="Azubi-Börse")

    digests_send()

    by_recipient = {m.to[0]: m for m in mail.outbox}
    assert set(by_recipient) == {"ben.schmitz@example.org", "carla.hoffmann@example.org"}
    digest = by_recipient["ben.schmitz@example.org"]
    assert digest.subject == "Ihre tägliche Zusammenfassung: 6 Neuigkeiten"
    lines = [line.strip() for line in digest.body.splitlines() if line.strip().startswith(("==", "--", "*"))]
    label = "Projekt hat den Status gewechselt"
    assert lines[:-1] == [
        "== AG CSR ==",
        "-- Lehrerpraktikanten in der Wirtschaft --",
        f"* {label}: Praktikum bestätigt",
        "== AG Fachkräfte ==",
        f"* {label}: Neues Mitglied",
        "-- Azubi-Börse --",
        f"* {label}: Erstes Treffen",
        "-- Jobticket --",
        f"* {label}: Ticketpreise verhandelt",
        f"* {label}: Antrag gestellt",
        "== Weitere Neuigkeiten ==",
        f"* {label}: Forum tagt am 24. Juni",
    ]
    assert lines[-1] == "--"  # the signature, with the link to the preferences below it
    assert "http://127.0.0.1:8000/projects/2/" in digest.body
    assert "http://127.0.0.1:8000/notifications/preferences/" in digest.body
    html = digest.alternatives[0][0]
    assert html.index("AG CSR") < html.index("AG Fachkräfte") < html.index("Weitere Neuigkeiten")
    assert 'href="http://127.0.0.1:8000/notifications/preferences/"' in html

    english = by_recipient["carla.hoffmann@example.org"]
    assert english.extra_headers["Content-Language"] == "en"
    assert "Antrag gestellt" in english.body and "Ticketpreise" not in english.body


def test_digest_collects_only_what_the_person_chose_for_the_digest(anna, ben):
    preferences_update(user=ben, values={"test_comment": "digest"})
    notify(kind="test_comment", recipients=[ben], actor=anna, data={"title": "Kommentar"})
    notify(kind="test_quiet", recipients=[ben], actor=anna, data={"title": "Still"})
    _event(anna, [ben], "Status")
    digests_send()
    (digest,) = mail.outbox
    assert "Kommentar zu einer Aufgabe: Kommentar" in digest.body
    assert "Status" in digest.body
    assert "Still" not in digest.body


def test_a_missed_daily_run_is_caught_up_by_the_sweep(anna, ben, monkeypatch):
    _event(anna, [ben], "Jobticket gestartet")
    sweep()
    assert mail.outbox == []  # the daily run is still to come
    later = timezone.now() + timedelta(hours=26)
    monkeypatch.setattr(timezone, "now", lambda: later)
    sweep()
    (digest,) = mail.outbox
    assert "Jobticket gestartet" in digest.body
    assert Delivery.objects.get().status == "sent"
