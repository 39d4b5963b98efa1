"""The event pages: public without login, registering and cancelling, staff pages, guests by mail."""

import re
from datetime import timedelta

import pytest
from django.core import mail

from events import services
from events.models import GuestMail, Registration

pytestmark = pytest.mark.django_db


def messages_of(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


def test_anonymous_sees_public_list_and_detail_without_names(client, make_event, people):
    event = make_event(capacity=5, agenda="## Programm\n\n- Begrüßung")
    person = people(1)[0]
    person.first_name, person.last_name = "Greta", "Geheim"
    person.save()
    services.registration_create(event=event, actor=person)
    listing = client.get("/veranstaltungen/")
    assert listing.status_code == 200 and event.title in listing.content.decode()
    page = client.get(event.get_absolute_url()).content.decode()
    assert "<h2>Programm</h2>" in page
    assert "Geheim" not in page
    assert "Melden Sie sich an, um sich für diese Veranstaltung anzumelden." in page
    assert re.search(r'<time datetime="\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+0[12]:00">', page)


def test_internal_event_is_404_for_anonymous_and_hidden_from_list(client, make_event, world):
    internal = make_event(is_public=False, title="Internes Steuerungstreffen")
    assert client.get(internal.get_absolute_url()).status_code == 404
    assert internal.title not in client.get("/veranstaltungen/").content.decode()
    client.force_login(world.people["member"])
    assert client.get(internal.get_absolute_url()).status_code == 200


def test_member_registers_then_full_event_puts_next_on_waiting_list(client, make_event, people):
    event = make_event(capacity=1)
    first, second = people(2)
    client.force_login(first)
    response = client.post(f"/veranstaltungen/{event.slug}/anmelden/", follow=True)
    assert messages_of(response) == ["Sie sind angemeldet. Ihr Platz ist bestätigt."]
    assert 'data-status="confirmed"' in response.content.decode()
    client.force_login(second)
    response = client.post(f"/veranstaltungen/{event.slug}/anmelden/", follow=True)
    assert messages_of(response) == [
        "Die Veranstaltung ist ausgebucht. Sie stehen auf Platz 1 der Warteliste."
    ]
    response = client.post(f"/veranstaltungen/{event.slug}/anmelden/", follow=True)
    assert messages_of(response) == ["Sie stehen für diese Veranstaltung bereits auf der Warteliste."]
    client.force_login(first)
    response = client.post(f"/veranstaltungen/{event.slug}/abmelden/", follow=True)
    assert messages_of(response) == ["Ihre Anmeldung ist storniert."]
    assert Registration.objects.get(user=second).status == "confirmed"


def test_registration_after_start_shows_the_reason(client, make_event, people):
    event = make_event(days=-1)
    client.force_login(people(1)[0])
    response = client.post(f"/veranstaltungen/{event.slug}/anmelden/", follow=True)
    assert messages_of(response) == [
        "Die Veranstaltung hat bereits begonnen; eine Anmeldung ist nicht mehr möglich."
    ]
    assert not Registration.objects.exists()


def test_registrations_page_is_for_staff_only(client, make_event, world, people):
    event = make_event(capacity=1)
    a, b = people(2)
    services.registration_create(event=event, actor=a)
    services.registration_create(event=event, actor=b)
    url = f"/veranstaltungen/{event.slug}/anmeldungen/"
    assert client.get(url).status_code == 302  # to sign in
    for role in ("member", "chair", "steering", "forum_member"):
        client.force_login(world.people[role])
        assert client.get(url).status_code == 403
    client.force_login(world.people["staff"])
    page = client.get(url).content.decode()
    assert str(a) in page and str(b) in page
    assert page.index(str(a)) < page.index('data-list="waiting"') < page.index(str(b))


def test_staff_create_event_with_bad_times_gets_field_error(client, world):
    client.force_login(world.people["staff"])
    response = client.post(
        "/veranstaltungen/neu/",
        {
            "title": "Forum",
            "starts_at": "2027-05-01T18:00",
            "ends_at": "2027-05-01T17:00",
            "venue": "Rathaus",
        },
    )
    assert response.status_code == 200
    assert "Das Ende liegt vor dem Beginn." in response.content.decode()
    response = client.post(
        "/veranstaltungen/neu/",
        {
            "title": "Forum",
            "starts_at": "2027-05-01T18:00",
            "ends_at": "2027-05-01T20:00",
            "venue": "Rathaus",
            "capacity": "30",
            "is_public": "on",
        },
    )
    assert response.status_code == 302 and response["Location"] == "/veranstaltungen/forum/"


def test_member_cannot_create_event(client, world):
    client.force_login(world.people["member"])
    assert client.get("/veranstaltungen/neu/").status_code == 403


def test_guest_invitation_goes_through_the_outbox_and_link_cancels(
    client, make_event, world, people, django_capture_on_commit_callbacks
):
    event = make_event(capacity=1)
    client.force_login(world.people["staff"])
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client.post(
            f"/veranstaltungen/{event.slug}/gaeste/", {"email": "Gast@Example.com", "name": "Gerda Gast"}
        )
    assert response.status_code == 302
    row = GuestMail.objects.get()
    assert row.status == "pending" and row.kind == "invitation" and mail.outbox == []
    for callback in callbacks:
        callback()  # the task, run eagerly in tests
    row.refresh_from_db()
    assert row.status == "sent"
    (message,) = mail.outbox
    assert message.to == ["gast@example.com"] and event.title in message.subject
    link = re.search(r"http\S+/veranstaltungen/gast/\S+/", message.body).group(0)
    path = link.split("127.0.0.1:8000", 1)[-1] if "127.0.0.1:8000" in link else "/" + link.split("/", 3)[3]

    # Inviting the same address again is refused on the field.
    response = client.post(f"/veranstaltungen/{event.slug}/gaeste/", {"email": "gast@example.com"})
    assert response.status_code == 400 and "Dieser Gast ist bereits eingeladen." in response.content.decode()

    waiting = people(1)[0]
    services.registration_create(event=event, actor=waiting)
    client.logout()
    page = client.get(path)
    assert page.status_code == 200 and 'data-status="confirmed"' in page.content.decode()
    response = client.post(path, follow=True)
    assert messages_of(response) == ["Ihre Anmeldung ist storniert. Vielen Dank für Ihre Nachricht."]
    assert Registration.objects.get(user=waiting).status == "confirmed"
    broken = client.get(path[:-9] + "x" * 8 + "/")
    assert broken.status_code == 404 and "Dieser Link ist ungültig." in broken.content.decode()


def test_guest_moved_up_gets_a_mail(make_event, people, staff, django_capture_on_commit_callbacks):
    event = make_event(capacity=1)
    holder = people(1)[0]
    held = services.registration_create(event=event, actor=holder)
    services.guest_invite(event=event, actor=staff, email="gast@example.com")
    with django_capture_on_commit_callbacks(execute=True):
        services.registration_cancel(registration=held, actor=holder)
    assert [m.kind for m in GuestMail.objects.order_by("pk")] == ["invitation", "moved_up"]
    assert len(mail.outbox) == 1 and "bestätigt" in mail.outbox[0].subject


def test_inviting_an_address_with_an_account_is_refused(client, make_event, world):
    event = make_event()
    client.force_login(world.people["staff"])
    response = client.post(f"/veranstaltungen/{event.slug}/gaeste/", {"email": "member@example.org"})
    assert response.status_code == 400
    assert "Zu dieser Adresse gibt es ein Konto" in response.content.decode()
    assert not GuestMail.objects.exists()


def test_staff_take_attendance(client, make_event, people, world):
    event = make_event(capacity=5)
    a, b = people(2)
    ra = services.registration_create(event=event, actor=a)
    rb = services.registration_create(event=event, actor=b)
    event.starts_at -= timedelta(days=60)
    event.ends_at -= timedelta(days=60)
    event.save()
    client.force_login(world.people["staff"])
    response = client.post(
        f"/veranstaltungen/{event.slug}/anwesenheit/", {"present": [str(ra.pk)]}, follow=True
    )
    assert messages_of(response) == ["Anwesenheit gespeichert: 1 Person war da."]
    assert dict(Registration.objects.values_list("pk", "attended")) == {ra.pk: True, rb.pk: False}
