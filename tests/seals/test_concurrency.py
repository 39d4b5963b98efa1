"""On PostgreSQL: two members of staff confirm the same proposal at the same moment, each in a
thread with its own database connection, as two requests would. Exactly one award counts: one
seal, one decision in the history, and the other is told the application has moved on."""

import pytest
from django.db import connection

from core.errors import DomainError
from seals.models import Application, Seal
from seals.services import application_transition
from tests.factories import UserFactory
from tests.support import at_once
from workflows.selectors import workflow_history
from workgroups.models import Role
from workgroups.services import membership_add

from .conftest import proposed

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]


def confirm(application, person, decision: str):
    def job():
        return application_transition(
            application=Application.objects.get(pk=application.pk),
            actor=person,
            name=decision,
            expected_state="in_review",
        )

    return job


ROUNDS = 5


def test_two_staff_confirming_at_once_award_exactly_one_seal(seals_world):
    assert connection.vendor == "postgresql"
    third_staff = UserFactory(email="lena.koch@example.org", first_name="Lena")
    membership_add(body=seals_world.world.forum, user=third_staff, role=Role.STAFF)
    seal = None
    for _ in range(ROUNDS):  # the first application, then renewals
        application = proposed(seals_world, renews=seal)
        outcomes = at_once(
            [
                confirm(application, seals_world.people["second_staff"], "award"),
                confirm(application, third_staff, "award"),
            ]
        )
        taken = [o for o in outcomes if not isinstance(o, Exception)]
        refused = [o for o in outcomes if isinstance(o, Exception)]
        assert len(taken) == 1, outcomes
        assert len(refused) == 1 and isinstance(refused[0], DomainError), refused
        application.refresh_from_db()
        assert application.state == "awarded"
        assert Seal.objects.filter(application=application).count() == 1
        seal = Seal.objects.get(application=application)
        history = workflow_history(subject=application)
        assert [entry.transition for entry in history].count("award") == 1
