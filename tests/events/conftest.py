from datetime import timedelta

import pytest
from django.utils import timezone

from events.services import event_create
from tests.factories import UserFactory


@pytest.fixture
def staff(world):
    return world.people["staff"]


@pytest.fixture
def make_event(staff):
    def make(*, capacity=None, days=30, is_public=True, **more):
        starts = (timezone.now() + timedelta(days=days)).replace(microsecond=0)
        return event_create(
            actor=staff,
            title=more.pop("title", "Werkstattgespräch Fachkräfte"),
            starts_at=starts,
            ends_at=starts + timedelta(hours=3),
            venue=more.pop("venue", "VUV, Haus der Wirtschaft"),
            address=more.pop("address", "Kapellenstraße 1, 52066 Aachen"),
            capacity=capacity,
            is_public=is_public,
            **more,
        )

    return make


@pytest.fixture
def people(db):
    def make(n: int, prefix: str = "p"):
        return [UserFactory(email=f"{prefix}{i}@example.org") for i in range(n)]

    return make
