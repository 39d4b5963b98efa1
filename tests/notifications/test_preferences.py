import pytest
from django.core import mail
from django.core.exceptions import ValidationError

from notifications.models import Delivery, Notification
from notifications.selectors import preferences_for_user
from notifications.services import notify, preferences_update
from notifications.tasks import digests_send


def _notify(callbacks, **kwargs):
    with callbacks(execute=True):
        return notify(**kwargs)


def test_immediate_digest_and_off_are_each_honoured(
    anna, ben, carla, staff, django_capture_on_commit_callbacks
):
    preferences_update(user=ben, values={"test_comment": "digest"})
    preferences_update(user=carla, values={"test_comment": "off"})
    _notify(
        django_capture_on_commit_callbacks,
        kind="test_comment",
        recipients=[ben, carla, staff],
        actor=anna,
        data={"title": "Budget 2016"},
    )

    assert [m.to for m in mail.outbox] == [["eva.klein@example.org"]]  # immediate, the kind's default
    assert Notification.objects.filter(kind="test_comment").count() == 3  # everyone's inbox has it
    assert not Delivery.objects.filter(notification__recipient=carla).exists()

    mail.outbox.clear()
    digests_send()
    (digest,) = mail.outbox
    assert digest.to == ["ben.schmitz@example.org"]
    assert "Kommentar zu einer Aufgabe: Budget 2016" in digest.body

    mail.outbox.clear()
    digests_send()
    assert mail.outbox == []  # each entry goes out in one digest only


def test_kind_defaults_apply_until_someone_chooses(anna, ben, django_capture_on_commit_callbacks):
    _notify(
        django_capture_on_commit_callbacks,
        kind="test_digest",
        recipients=[ben],
        actor=anna,
        data={"title": "Jobticket"},
    )
    _notify(
        django_capture_on_commit_callbacks,
        kind="test_quiet",
        recipients=[ben],
        actor=anna,
        data={"title": "Felix Meyer"},
    )
    assert mail.outbox == []
    assert list(Delivery.objects.values_list("channel", flat=True)) == ["digest"]

    preferences_update(user=ben, values={"test_digest": "immediate", "test_quiet": "immediate"})
    _notify(
        django_capture_on_commit_callbacks,
        kind="test_quiet",
        recipients=[ben],
        actor=anna,
        data={"title": "Nora Neu"},
    )
    assert [m.subject for m in mail.outbox] == ["Neues Mitglied: Nora Neu"]


def test_preferences_list_every_kind_with_the_choice_or_the_default(ben):
    preferences_update(user=ben, values={"test_quiet": "digest"})
    rows = {row.kind: (row.value, row.default) for row in preferences_for_user(user=ben)}
    assert rows["test_quiet"] == ("digest", "off")
    assert rows["test_comment"] == ("immediate", "immediate")
    assert rows["test_digest"] == ("digest", "digest")


def test_unknown_kinds_and_values_are_refused(ben):
    with pytest.raises(ValidationError) as error:
        preferences_update(user=ben, values={"nope": "off", "test_comment": "weekly"})
    assert set(error.value.message_dict) == {"nope", "test_comment"}


def test_preferences_page_saves_the_choices(client, ben):
    client.force_login(ben)
    page = client.get("/notifications/preferences/")
    html = page.content.decode()
    assert "Aufgabe zugewiesen" in html and "in der täglichen Zusammenfassung" in html

    response = client.post(
        "/notifications/preferences/",
        {
            "test_assigned": "digest",
            "test_comment": "off",
            "test_digest": "digest",
            "test_quiet": "immediate",
            "test_language": "immediate",
        },
        follow=True,
    )
    assert "Ihre Benachrichtigungseinstellungen wurden gespeichert." in response.content.decode()
    rows = {row.kind: row.value for row in preferences_for_user(user=ben)}
    assert rows["test_assigned"] == "digest" and rows["test_comment"] == "off"
    assert rows["test_quiet"] == "immediate"


def test_preferences_page_keeps_a_wrong_choice_from_being_saved(client, ben):
    client.force_login(ben)
    response = client.post("/notifications/preferences/", {"test_comment": "weekly"})
    assert response.status_code == 200
    assert 'role="alert"' in response.content.decode()
    assert {row.kind: row.value for row in preferences_for_user(user=ben)}["test_comment"] == "immediate"
