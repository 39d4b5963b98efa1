"""The events API: anonymous reads public events, staff write, members register and cancel their own."""

from datetime import timedelta

import pytest
from django.utils import timezone

from events import services
from events.models import Event, Registration

pytestmark = pytest.mark.django_db


def test_anonymous_lists_public_events_only_and_gets_404_for_internal(api_client, make_event):
    public = make_event(title="Offenes Forum")
    internal = make_event(title="Interne Runde", is_public=False)
    listing = api_client.get("/api/v1/events/")
    assert listing.status_code == 200
    assert [e["slug"] for e in listing.json()["results"]] == [public.slug]
    assert api_client.get(f"/api/v1/events/{internal.slug}/").status_code == 404
    assert api_client.get(f"/api/v1/events/{public.slug}/").json()["confirmed_count"] == 0
    assert api_client.post("/api/v1/events/", {"title": "x"}, format="json").status_code in (401, 403)


def test_staff_create_update_cancel(api_client, world):
    api_client.force_authenticate(world.people["staff"])
    start = (timezone.now() + timedelta(days=10)).replace(microsecond=0)
    payload = {
        "title": "Sommerforum",
        "starts_at": start.isoformat(),
        "ends_at": (start + timedelta(hours=2)).isoformat(),
        "venue": "Rathaus",
        "capacity": 2,
    }
    created = api_client.post("/api/v1/events/", payload, format="json")
    assert created.status_code == 201, created.json()
    slug = created.json()["slug"]
    changed = api_client.patch(f"/api/v1/events/{slug}/", {"venue": "Krönungssaal"}, format="json")
    assert changed.status_code == 200 and changed.json()["sequence"] == 1
    cancelled = api_client.post(f"/api/v1/events/{slug}/cancel/")
    assert cancelled.status_code == 200 and cancelled.json()["cancelled_at"]
    again = api_client.post(f"/api/v1/events/{slug}/cancel/")
    assert again.status_code == 400 and again.json() == {"detail": "Die Veranstaltung ist bereits abgesagt."}


def test_bad_input_gets_400_with_field_messages(api_client, world, make_event):
    api_client.force_authenticate(world.people["staff"])
    start = timezone.now() + timedelta(days=10)
    response = api_client.post(
        "/api/v1/events/",
        {
            "title": "x",
            "starts_at": start.isoformat(),
            "ends_at": (start - timedelta(hours=1)).isoformat(),
            "venue": "y",
        },
        format="json",
    )
    assert response.status_code == 400 and response.json() == {"ends_at": ["Das Ende liegt vor dem Beginn."]}
    event = make_event(capacity=2)
    for person in (world.people["member"], world.people["chair"]):
        services.registration_create(event=event, actor=person)
    response = api_client.patch(f"/api/v1/events/{event.slug}/", {"capacity": 1}, format="json")
    assert response.status_code == 400 and "capacity" in response.json()
    assert api_client.post("/api/v1/events/", {"starts_at": "morgen"}, format="json").status_code == 400


def test_member_cannot_write_events(api_client, world, make_event):
    event = make_event()
    api_client.force_authenticate(world.people["member"])
    assert api_client.patch(f"/api/v1/events/{event.slug}/", {"venue": "x"}, format="json").status_code == 403
    assert api_client.post(f"/api/v1/events/{event.slug}/cancel/").status_code == 403
    assert Event.objects.get().venue != "x"


def test_member_registers_and_cancels_own_and_sees_only_own(api_client, world, make_event):
    event = make_event(capacity=1)
    member, chair = world.people["member"], world.people["chair"]
    api_client.force_authenticate(member)
    first = api_client.post("/api/v1/event-registrations/", {"event": event.pk}, format="json")
    assert first.status_code == 201 and first.json()["status"] == "confirmed"
    again = api_client.post("/api/v1/event-registrations/", {"event": event.pk}, format="json")
    assert again.status_code == 400
    assert again.json() == {"detail": "Sie sind für diese Veranstaltung bereits angemeldet."}

    api_client.force_authenticate(chair)
    second = api_client.post("/api/v1/event-registrations/", {"event": event.pk}, format="json")
    assert second.json()["status"] == "waiting" and second.json()["waiting_position"] == 1
    assert [r["id"] for r in api_client.get("/api/v1/event-registrations/").json()["results"]] == [
        second.json()["id"]
    ]
    assert api_client.get(f"/api/v1/event-registrations/{first.json()['id']}/").status_code == 404
    assert api_client.post(f"/api/v1/event-registrations/{first.json()['id']}/cancel/").status_code == 404

    api_client.force_authenticate(member)
    assert api_client.post(f"/api/v1/event-registrations/{first.json()['id']}/cancel/").status_code == 200
    assert Registration.objects.get(user=chair).status == "confirmed"


def test_staff_list_per_event_invite_guest_and_take_attendance(api_client, world, make_event):
    event = make_event(capacity=5)
    other = make_event(title="Anderes")
    services.registration_create(event=event, actor=world.people["member"])
    services.registration_create(event=other, actor=world.people["chair"])
    api_client.force_authenticate(world.people["staff"])
    listed = api_client.get(f"/api/v1/event-registrations/?event={event.pk}").json()["results"]
    assert [r["user"] for r in listed] == [world.people["member"].pk]
    guest = api_client.post(
        "/api/v1/event-registrations/", {"event": event.pk, "guest_email": "gast@example.com"}, format="json"
    )
    assert guest.status_code == 201 and guest.json()["guest_email"] == "gast@example.com"
    early = api_client.post(
        f"/api/v1/event-registrations/{listed[0]['id']}/attendance/", {"attended": True}, format="json"
    )
    assert early.status_code == 400
    assert early.json() == {"detail": "Die Anwesenheit kann erst ab Beginn der Veranstaltung erfasst werden."}
    Event.objects.filter(pk=event.pk).update(starts_at=timezone.now() - timedelta(minutes=1))
    taken = api_client.post(
        f"/api/v1/event-registrations/{listed[0]['id']}/attendance/", {"attended": True}, format="json"
    )
    assert taken.status_code == 200 and taken.json()["attended"] is True


def test_member_cannot_invite_guests_or_take_attendance(api_client, world, make_event):
    event = make_event()
    own = services.registration_create(event=event, actor=world.people["member"])
    api_client.force_authenticate(world.people["member"])
    response = api_client.post(
        "/api/v1/event-registrations/", {"event": event.pk, "guest_email": "gast@example.com"}, format="json"
    )
    assert response.status_code == 403
    assert (
        api_client.post(
            f"/api/v1/event-registrations/{own.pk}/attendance/", {"attended": True}, format="json"
        ).status_code
        == 403
    )


def test_anonymous_cannot_register(api_client, make_event):
    event = make_event()
    assert api_client.post(
        "/api/v1/event-registrations/", {"event": event.pk}, format="json"
    ).status_code in (401, 403)
    assert not Registration.objects.exists()
