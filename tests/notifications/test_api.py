import pytest

from notifications.models import Delivery, Notification
from notifications.services import notify


@pytest.fixture
def mine(anna, ben):
    notify(
        kind="test_assigned",
        recipients=[ben],
        actor=anna,
        subject=anna,
        data={"title": "Flyer drucken", "url": "/tasks/7/"},
    )
    notify(kind="test_comment", recipients=[ben, anna], data={"title": "Budget"})
    return list(Notification.objects.filter(recipient=ben))


def test_my_notifications_rendered_in_my_language(api_client, ben, carla, mine):
    api_client.force_authenticate(ben)
    body = api_client.get("/api/v1/notifications/").json()
    assert body["count"] == 2
    first = next(r for r in body["results"] if r["kind"] == "test_assigned")
    assert first["headline"] == "Anna Becker hat Ihnen „Flyer drucken“ zugewiesen"
    assert first["label"] == "Aufgabe zugewiesen"
    assert first["url"] == "/tasks/7/" and first["actor"] == "Anna Becker"
    assert first["subject_type"] == "accounts.user" and first["is_read"] is False

    notify(kind="test_language", recipients=[carla], data={"title": "Jobticket"})
    api_client.force_authenticate(carla)
    (only,) = api_client.get("/api/v1/notifications/").json()["results"]
    assert only["headline"] == "[en] Jobticket"


def test_unread_count_mark_read_and_mark_all_read(api_client, ben, anna, mine):
    api_client.force_authenticate(ben)
    assert api_client.get("/api/v1/notifications/unread-count/").json() == {"unread": 2}

    response = api_client.post(f"/api/v1/notifications/{mine[0].pk}/read/")
    assert response.status_code == 200 and response.json()["is_read"] is True
    assert api_client.get("/api/v1/notifications/unread-count/").json() == {"unread": 1}
    assert [r["id"] for r in api_client.get("/api/v1/notifications/?unread=true").json()["results"]] == [
        mine[1].pk
    ]

    assert api_client.post("/api/v1/notifications/read-all/").json() == {"marked": 1}
    assert api_client.get("/api/v1/notifications/unread-count/").json() == {"unread": 0}
    assert Notification.objects.filter(recipient=anna, read_at__isnull=True).count() == 1


def test_someone_elses_notification_is_404(api_client, anna, mine):
    api_client.force_authenticate(anna)
    assert api_client.post(f"/api/v1/notifications/{mine[0].pk}/read/").status_code == 404
    assert api_client.get(f"/api/v1/notifications/{mine[0].pk}/").status_code == 404


def test_anonymous_gets_nothing(api_client, mine):
    assert api_client.get("/api/v1/notifications/").status_code in (401, 403)


def test_preferences_get_and_update(api_client, ben):
    api_client.force_authenticate(ben)
    rows = {r["kind"]: r for r in api_client.get("/api/v1/notification-preferences/").json()}
    assert rows["test_quiet"] == {
        "kind": "test_quiet",
        "label": "Neues Mitglied",
        "preference": "off",
        "default": "off",
    }

    response = api_client.put(
        "/api/v1/notification-preferences/test_quiet/", {"preference": "digest"}, format="json"
    )
    assert response.status_code == 200 and response.json()["preference"] == "digest"
    assert api_client.get("/api/v1/notification-preferences/test_quiet/").json()["preference"] == "digest"

    bad = api_client.patch(
        "/api/v1/notification-preferences/test_quiet/", {"preference": "weekly"}, format="json"
    )
    assert bad.status_code == 400 and "preference" in bad.json()
    assert (
        api_client.put(
            "/api/v1/notification-preferences/nope/", {"preference": "off"}, format="json"
        ).status_code
        == 404
    )


@pytest.fixture
def failed(ben):
    (note,) = notify(kind="test_comment", recipients=[ben], data={"title": "Zurückgewiesen"})
    Delivery.objects.filter(notification=note).update(
        status="failed", attempts=5, last_error="550 no such user"
    )
    return note.deliveries.get()


def test_staff_list_failed_deliveries_and_retry_them(
    api_client, staff, failed, mailoutbox, django_capture_on_commit_callbacks
):
    api_client.force_authenticate(staff)
    (row,) = api_client.get("/api/v1/notification-deliveries/").json()["results"]
    assert row["id"] == failed.pk and row["recipient"] == "ben.schmitz@example.org"
    assert row["status"] == "failed" and row["last_error"] == "550 no such user"

    with django_capture_on_commit_callbacks(execute=True):
        response = api_client.post(f"/api/v1/notification-deliveries/{failed.pk}/retry/")
    assert response.status_code == 200
    assert [m.subject for m in mailoutbox] == ["Kommentar zu einer Aufgabe: Zurückgewiesen"]
    failed.refresh_from_db()
    assert failed.status == "sent"
    assert api_client.get("/api/v1/notification-deliveries/").json()["count"] == 0
    assert api_client.post(f"/api/v1/notification-deliveries/{failed.pk}/retry/").status_code == 409
    assert api_client.get("/api/v1/notification-deliveries/?status=bogus").status_code == 400


def test_only_staff_see_deliveries(api_client, ben, failed):
    api_client.force_authenticate(ben)
    assert api_client.get("/api/v1/notification-deliveries/").status_code == 403
    assert api_client.post(f"/api/v1/notification-deliveries/{failed.pk}/retry/").status_code == 403


def test_admin_lists_failed_deliveries_and_retries_them(
    client, failed, mailoutbox, django_capture_on_commit_callbacks
):
    from tests.factories import UserFactory

    admin = UserFactory(email="admin@example.org", is_staff=True, is_superuser=True)
    client.force_login(admin)
    page = client.get("/admin/notifications/delivery/?status__exact=failed").content.decode()
    assert "550 no such user" in page and "ben.schmitz@example.org" in page

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/admin/notifications/delivery/",
            {
                "action": "retry",
                "_selected_action": [failed.pk],
            },
            follow=True,
        )
    assert "1 Zustellung wird erneut gesendet." in response.content.decode()
    failed.refresh_from_db()
    assert failed.status == "sent" and len(mailoutbox) == 1
