"""On PostgreSQL: 40 people register at the same moment for 25 places, each in a thread with its own
database connection, as 40 requests would; then cancellations race each other."""

import time

import pytest
from django.db import connection

from events import services
from events.models import Registration
from notifications.models import Notification
from tests.support import at_once

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]

PEOPLE, PLACES = 40, 25


def register(event, person):
    def job():
        from django.db import transaction

        with transaction.atomic():
            registration = services.registration_create(event=event, actor=person)
            # Taken while the event's lock is held: the order in which the lock was granted.
            stamp = time.monotonic_ns()
        return registration.pk, stamp

    return job


def test_forty_at_once_for_twenty_five_places(make_event, people):
    assert connection.vendor == "postgresql"
    event = make_event(capacity=PLACES)
    persons = people(PEOPLE)
    outcomes = at_once([register(event, person) for person in persons])
    errors = [o for o in outcomes if isinstance(o, Exception)]
    assert not errors, errors

    by_lock_order = [pk for pk, _ in sorted(outcomes, key=lambda o: o[1])]
    queue = list(
        Registration.objects.filter(event=event).order_by("registered_at", "pk").values_list("pk", "status")
    )
    assert [pk for pk, _ in queue] == by_lock_order
    assert [status for _, status in queue] == ["confirmed"] * PLACES + ["waiting"] * (PEOPLE - PLACES)
    assert Notification.objects.filter(kind=services.KIND_CONFIRMED).count() == PLACES
    assert Notification.objects.filter(kind=services.KIND_WAITING).count() == PEOPLE - PLACES

    # A cancellation moves the first waiting up, and tells them once.
    first_waiting = Registration.objects.get(pk=queue[PLACES][0])
    cancelled = Registration.objects.select_related("user").get(pk=queue[0][0])
    services.registration_cancel(registration=cancelled, actor=cancelled.user)
    first_waiting.refresh_from_db()
    assert first_waiting.status == "confirmed"
    moved = Notification.objects.filter(kind=services.KIND_MOVED_UP)
    assert list(moved.values_list("recipient_id", flat=True)) == [first_waiting.user_id]

    # Five confirmed cancel at the same moment: the next five in line move up, each told once.
    confirmed = list(
        Registration.objects.filter(event=event, status="confirmed").select_related("user").order_by("?")[:5]
    )
    line = [pk for pk, _ in queue[PLACES + 1 : PLACES + 6]]
    outcomes = at_once(
        [lambda r=r: services.registration_cancel(registration=r, actor=r.user) for r in confirmed]
    )
    assert not [o for o in outcomes if isinstance(o, Exception)], outcomes
    assert Registration.objects.filter(event=event, status="confirmed").count() == PLACES
    assert set(Registration.objects.filter(pk__in=line).values_list("status", flat=True)) == {"confirmed"}
    still_waiting = Registration.objects.filter(event=event, status="waiting").order_by("registered_at", "pk")
    assert list(still_waiting.values_list("pk", flat=True)) == [pk for pk, _ in queue[PLACES + 6 :]]
    moved_to = sorted(moved.values_list("recipient_id", flat=True))
    expected = sorted(
        [first_waiting.user_id, *Registration.objects.filter(pk__in=line).values_list("user_id", flat=True)]
    )
    assert moved_to == expected


def test_a_registration_and_a_cancellation_at_once_never_overbook(make_event, people):
    event = make_event(capacity=1)
    holder, newcomer = people(2)
    held = services.registration_create(event=event, actor=holder)
    outcomes = at_once(
        [
            lambda: services.registration_cancel(registration=held, actor=holder),
            register(event, newcomer),
        ]
    )
    assert not [o for o in outcomes if isinstance(o, Exception)], outcomes
    assert dict(Registration.objects.filter(event=event).values_list("user_id", "status")) == {
        holder.pk: "cancelled",
        newcomer.pk: "confirmed",
    }
