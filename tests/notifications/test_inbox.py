"""The bell, the inbox and marking read, as a signed-in person uses them (htmx and plain forms)."""

import json
import re

import pytest

from notifications.models import Notification
from notifications.services import notify


@pytest.fixture
def inbox(anna, ben):
    notify(
        kind="test_assigned",
        recipients=[ben],
        actor=anna,
        data={"title": "Flyer drucken", "url": "/tasks/7/"},
    )
    notify(kind="test_comment", recipients=[ben], actor=anna, data={"title": "Budget", "body": "Passt so."})
    notify(kind="test_comment", recipients=[anna], data={"title": "Nur für Anna"})
    return {n.data["title"]: n for n in Notification.objects.all()}


def _bell(html: str) -> str:
    return re.search(r'<span id="notification-count"[^>]*>(.*?)</span></span>', html, re.S).group(0)


def test_the_bell_in_the_header_counts_unread_and_asks_again_every_few_seconds(client, ben, inbox):
    client.force_login(ben)
    bell = _bell(client.get("/dashboard/").content.decode())
    assert ">2<" in bell and "ungelesen" in bell and " hidden>" not in bell
    assert 'hx-get="/notifications/bell/"' in bell and "every 5s" in bell

    Notification.objects.filter(recipient=ben).update(read_at="2026-01-01T00:00:00Z")
    refreshed = client.get("/notifications/bell/", HTTP_HX_REQUEST="true").content.decode()
    assert ">0<" in refreshed and " hidden>" in refreshed


def test_the_bell_stops_polling_after_sign_out(client):
    assert client.get("/notifications/bell/", HTTP_HX_REQUEST="true").status_code == 286


def test_inbox_lists_only_ones_own_notifications_newest_first(client, ben, inbox):
    client.force_login(ben)
    html = client.get("/notifications/").content.decode()
    newest, older = "Kommentar zu einer Aufgabe: Budget", "Anna Becker hat Ihnen „Flyer drucken“"
    assert html.index(newest) < html.index(older)
    assert "Passt so." in html
    assert "Nur für Anna" not in html
    assert "2 ungelesene Benachrichtigungen" in html


def test_mark_read_with_htmx_returns_the_updated_entry_and_refreshes_the_bell(client, ben, inbox):
    client.force_login(ben)
    note = inbox["Budget"]
    response = client.post(f"/notifications/{note.pk}/read/", HTTP_HX_REQUEST="true")
    assert "notifications-changed" in json.loads(response["HX-Trigger"])
    html = response.content.decode()
    assert html.lstrip().startswith(f'<li id="notification-{note.pk}"')
    assert "Als gelesen markieren" not in html
    note.refresh_from_db()
    assert note.read_at is not None


def test_mark_read_without_javascript_returns_to_the_inbox(client, ben, inbox):
    client.force_login(ben)
    response = client.post(f"/notifications/{inbox['Budget'].pk}/read/")
    assert response.status_code == 302 and response["Location"] == "/notifications/"
    assert "1 ungelesene Benachrichtigung" in client.get("/notifications/").content.decode()


def test_someone_elses_notification_answers_404(client, ben, inbox):
    client.force_login(ben)
    assert client.post(f"/notifications/{inbox['Nur für Anna'].pk}/read/").status_code == 404
    assert client.post(f"/notifications/{inbox['Nur für Anna'].pk}/open/").status_code == 404
    assert inbox["Nur für Anna"].read_at is None


def test_mark_all_read_with_htmx_and_without(client, ben, anna, inbox):
    client.force_login(ben)
    response = client.post("/notifications/read-all/", HTTP_HX_REQUEST="true")
    assert "0 ungelesene Benachrichtigungen" in response.content.decode()
    assert "notifications-changed" in json.loads(response["HX-Trigger"])
    assert not Notification.objects.filter(recipient=ben, read_at__isnull=True).exists()
    assert Notification.objects.filter(recipient=anna, read_at__isnull=True).exists()

    notify(kind="test_comment", recipients=[ben], actor=anna, data={"title": "Noch einer"})
    response = client.post("/notifications/read-all/", follow=True)
    assert "Alle Benachrichtigungen sind als gelesen markiert." in response.content.decode()
    assert not Notification.objects.filter(recipient=ben, read_at__isnull=True).exists()


def test_opening_a_notification_marks_it_read_and_goes_to_its_page(client, ben, inbox):
    client.force_login(ben)
    response = client.post(f"/notifications/{inbox['Flyer drucken'].pk}/open/")
    assert response["Location"] == "/tasks/7/"
    assert client.post(f"/notifications/{inbox['Budget'].pk}/open/")["Location"] == "/notifications/"
    assert not Notification.objects.filter(recipient=ben, read_at__isnull=True).exists()


def test_unread_filter(client, ben, inbox):
    client.force_login(ben)
    client.post(f"/notifications/{inbox['Budget'].pk}/read/")
    html = client.get("/notifications/?filter=unread").content.decode()
    assert "Flyer drucken" in html and "Budget" not in html


def test_inbox_needs_sign_in(client):
    assert client.get("/notifications/")["Location"].startswith("/accounts/login/")
