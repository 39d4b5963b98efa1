"""The seal workflow through its services: four eyes, the seal an award creates, renewal, revocation."""

import pytest
from django.utils import timezone

from seals.models import Seal
from seals.services import application_transition
from workflows.errors import TransitionNotAllowed

from .conftest import proposed

pytestmark = pytest.mark.django_db


def test_award_needs_a_second_member_of_staff(seals_world):
    application = proposed(seals_world)
    with pytest.raises(TransitionNotAllowed, match="Vier-Augen"):
        application_transition(application=application, actor=seals_world.people["staff"], name="award")
    application_transition(application=application, actor=seals_world.people["second_staff"], name="award")
    application.refresh_from_db()
    assert application.state == "awarded"
    seal = application.seal
    assert seal.valid_from == timezone.localdate()
    assert (seal.valid_until - seal.valid_from).days == 729
    assert seal.status == Seal.Status.VALID
