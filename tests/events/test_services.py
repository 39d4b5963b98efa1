"""Registering, the waiting list, cancelling and attendance through the services."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from core.errors import DomainError
from events import services
from events.models import Registration
from notifications.models import Notification

pytestmark = pytest.mark.django_db

CONFIRMED, WAITING, CANCELLED = (
    Registration.Status.CONFIRMED,
    Registration.Status.WAITING,
    Registration.Status.CANCELLED,
)


def statuses(event):
    return list(
        Registration.objects.filter(event=event)
        .order_by("registered_at", "pk")
        .values_list("user__email", "status")
    )


def kinds_of(user):
    return list(Notification.objects.filter(recipient=user).order_by("pk").values_list("kind", flat=True))


def test_places_fill_then_waiting_list_in_order(make_event, people):
    event = make_event(capacity=2)
    a, b, c, d = people(4)
    for person in (a, b, c, d):
        services.registration_create(event=event, actor=person)
    assert [s for _, s in statuses(event)] == [CONFIRMED, CONFIRMED, WAITING, WAITING]
    assert kinds_of(a) == [services.KIND_CONFIRMED]
    assert kinds_of(c) == [services.KIND_WAITING]
    d_reg = Registration.objects.get(event=event, user=d)
    assert services.waiting_position(d_reg) == 2


def test_cancellation_moves_first_waiting_up_and_tells_them_once(make_event, people):
    event = make_event(capacity=1)
    a, b, c = people(3)
    first = services.registration_create(event=event, actor=a)
    services.registration_create(event=event, actor=b)
    services.registration_create(event=event, actor=c)
    services.registration_cancel(registration=first, actor=a)
    assert dict(statuses(event)) == {a.email: CANCELLED, b.email: CONFIRMED, c.email: WAITING}
    assert kinds_of(b) == [services.KIND_WAITING, services.KIND_MOVED_UP]
    assert services.KIND_MOVED_UP not in kinds_of(c)
    assert services.waiting_position(Registration.objects.get(event=event, user=c)) == 1


def test_cancelling_from_waiting_list_moves_nobody(make_event, people):
    event = make_event(capacity=1)
    a, b, c = people(3)
    for person in (a, b, c):
        services.registration_create(event=event, actor=person)
    services.registration_cancel(registration=Registration.objects.get(event=event, user=b), actor=b)
    assert dict(statuses(event)) == {a.email: CONFIRMED, b.email: CANCELLED, c.email: WAITING}


def test_more_places_move_the_waiting_list_up_in_order(make_event, people, staff):
    event = make_event(capacity=1)
    a, b, c, d = people(4)
    for person in (a, b, c, d):
        services.registration_create(event=event, actor=person)
    services.event_update(event=event, actor=staff, capacity=3)
    assert dict(statuses(event)) == {
        a.email: CONFIRMED,
        b.email: CONFIRMED,
        c.email: CONFIRMED,
        d.email: WAITING,
    }
    assert services.KIND_MOVED_UP in kinds_of(b) and services.KIND_MOVED_UP in kinds_of(c)
    services.event_update(event=event, actor=staff, capacity=None)
    assert dict(statuses(event))[d.email] == CONFIRMED


def test_fewer_places_than_confirmed_is_refused_on_the_field(make_event, people, staff):
    event = make_event(capacity=3)
    for person in people(3):
        services.registration_create(event=event, actor=person)
    with pytest.raises(ValidationError) as refused:
        services.event_update(event=event, actor=staff, capacity=2)
    assert "bereits 3 Personen" in refused.value.message_dict["capacity"][0]


def test_registering_twice_is_refused_with_a_message(make_event, people):
    event = make_event(capacity=1)
    a, b = people(2)
    services.registration_create(event=event, actor=a)
    services.registration_create(event=event, actor=b)
    with pytest.raises(DomainError, match="bereits angemeldet"):
        services.registration_create(event=event, actor=a)
    with pytest.raises(DomainError, match="bereits auf der Warteliste"):
        services.registration_create(event=event, actor=b)


def test_registering_again_after_cancelling_goes_to_the_end(make_event, people):
    event = make_event(capacity=1)
    a, b = people(2)
    first = services.registration_create(event=event, actor=a)
    services.registration_cancel(registration=first, actor=a)
    services.registration_create(event=event, actor=b)
    again = services.registration_create(event=event, actor=a)
    assert again.pk == first.pk and again.status == WAITING


def test_registration_after_start_is_refused(make_event, people):
    event = make_event(days=-1)
    with pytest.raises(DomainError, match="bereits begonnen"):
        services.registration_create(event=event, actor=people(1)[0])


def test_registration_for_cancelled_event_is_refused(make_event, people, staff):
    event = make_event()
    services.event_cancel(event=event, actor=staff)
    with pytest.raises(DomainError, match="abgesagt"):
        services.registration_create(event=event, actor=people(1)[0])


def test_only_staff_manage_events(make_event, world):
    event = make_event()
    for role in ("member", "chair", "steering", "forum_member", "outsider"):
        with pytest.raises(PermissionDenied):
            services.event_update(event=event, actor=world.people[role], title="x")
        with pytest.raises(PermissionDenied):
            services.event_cancel(event=event, actor=world.people[role])
    services.event_update(event=event, actor=world.people["admin"], title="Neu")


def test_a_member_cannot_cancel_someone_elses_registration_but_staff_can(make_event, people, world):
    event = make_event(capacity=1)
    a, b = people(2)
    reg = services.registration_create(event=event, actor=a)
    services.registration_create(event=event, actor=b)
    with pytest.raises(PermissionDenied):
        services.registration_cancel(registration=reg, actor=b)
    services.registration_cancel(registration=reg, actor=world.people["staff"])
    assert dict(statuses(event)) == {a.email: CANCELLED, b.email: CONFIRMED}


def test_changed_time_notifies_registered_and_raises_sequence(make_event, people, staff):
    event = make_event(capacity=1)
    a, b, c = people(3)
    services.registration_create(event=event, actor=a)
    services.registration_create(event=event, actor=b)
    services.registration_cancel(registration=services.registration_create(event=event, actor=c), actor=c)
    event = services.event_update(event=event, actor=staff, starts_at=event.starts_at + timedelta(hours=1))
    assert event.sequence == 1
    assert kinds_of(a)[-1] == services.KIND_CHANGED and kinds_of(b)[-1] == services.KIND_CHANGED
    assert services.KIND_CHANGED not in kinds_of(c)
    services.event_update(event=event, actor=staff, summary="nur Text")
    event.refresh_from_db()
    assert event.sequence == 1


def test_cancelling_the_event_tells_everyone(make_event, people, staff):
    event = make_event(capacity=1)
    a, b = people(2)
    services.registration_create(event=event, actor=a)
    services.registration_create(event=event, actor=b)
    services.event_cancel(event=event, actor=staff)
    assert kinds_of(a)[-1] == services.KIND_CANCELLED and kinds_of(b)[-1] == services.KIND_CANCELLED
    with pytest.raises(DomainError, match="bereits abgesagt"):
        services.event_cancel(event=event, actor=staff)


def test_end_before_start_is_refused_on_the_field(staff):
    now = timezone.now() + timedelta(days=3)
    with pytest.raises(ValidationError) as refused:
        services.event_create(
            actor=staff, title="x", starts_at=now, ends_at=now - timedelta(hours=1), venue="y"
        )
    assert "ends_at" in refused.value.message_dict


def test_attendance_only_after_start_and_for_confirmed(make_event, people, staff):
    event = make_event(capacity=1)
    a, b = people(2)
    ra = services.registration_create(event=event, actor=a)
    rb = services.registration_create(event=event, actor=b)
    with pytest.raises(DomainError, match="ab Beginn"):
        services.attendance_set(registration=ra, actor=staff, attended=True)
    event.starts_at = timezone.now() - timedelta(minutes=5)
    event.save()
    with pytest.raises(DomainError, match="fest angemeldete"):
        services.attendance_set(registration=rb, actor=staff, attended=True)
    services.attendance_set(registration=ra, actor=staff, attended=True)
    assert services.attendance_take(event=event, actor=staff, present_ids=set()) == 0
    ra.refresh_from_db()
    assert ra.attended is False
