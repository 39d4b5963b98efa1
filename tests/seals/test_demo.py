"""The demo holds Philips' seal, Continental's application in review, 3Win's expired seal; twice is once."""

import pytest

from portal.demo import seed_demo
from seals.models import Application, Seal
from seals.selectors import seals_current

pytestmark = pytest.mark.django_db


def test_demo_seals():
    seed_demo(with_password=False)
    seed_demo(with_password=False)
    assert [s.organisation.name for s in seals_current()] == ["Philips GmbH"]
    assert Application.objects.get(organisation__name="Continental Reifen").state == "in_review"
    expired = Seal.objects.get(organisation__name="3Win Maschinenbau")
    assert expired.status == Seal.Status.EXPIRED and expired.expired_at is not None
    assert Seal.objects.count() == 2
