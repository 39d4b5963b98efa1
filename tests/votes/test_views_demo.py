"""The demo's escalations and votes: every state is there, and the demo people's pages show them."""

import re

import pytest

from escalations.models import Escalation
from portal.demo import seed_demo
from portal.demo_votes import MEETINGS_VOTE, THEMES_VOTE
from votes.models import Ballot, Delegation, Vote

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo():
    return seed_demo(with_password=False)


def test_the_demo_has_escalations_in_every_state_and_three_votes(demo):
    states = sorted(Escalation.objects.values_list("state", flat=True))
    assert states == ["approved", "draft", "draft", "refused", "submitted"]
    returned = Escalation.objects.get(title__startswith="Gemeinsamer Social Day")
    assert returned.state == "draft" and returned.round == 1  # returned by the steering team
    themes, meetings = demo["votes"][THEMES_VOTE], demo["votes"][MEETINGS_VOTE]
    assert themes.is_open and themes.method == Vote.Method.SCHULZE and themes.participations.count() == 12
    assert meetings.is_closed and meetings.secret and meetings.passed is True
    assert meetings.electorate_kind == Vote.ElectorateKind.ORGANISATIONS
    assert meetings.result["counts"] == {"Ja": 9, "Nein": 4, "Enthaltung": 2}
    assert not Ballot.objects.filter(vote=meetings, elector__isnull=False).exists()
    escalated = Escalation.objects.get(state="approved").vote
    assert escalated.is_open and escalated.participations.count() == 18
    assert Delegation.objects.count() >= 15


def test_seeding_twice_adds_nothing(demo):
    counts = (Vote.objects.count(), Escalation.objects.count(), Ballot.objects.count())
    seed_demo(with_password=False)
    assert (Vote.objects.count(), Escalation.objects.count(), Ballot.objects.count()) == counts


def test_felix_sees_the_votes_and_may_cast_the_ranked_ballot(client, demo):
    felix = demo["people"]["felix.meyer@example.org"]
    client.force_login(felix)
    page = re.sub(r"\s+", " ", client.get("/votes/").content.decode())
    assert THEMES_VOTE in page and MEETINGS_VOTE in page
    themes = demo["votes"][THEMES_VOTE]
    page = client.get(f"/votes/{themes.pk}/").content.decode()
    assert "nach oben" in page and "Stimme abgeben" in page
    meetings = demo["votes"][MEETINGS_VOTE]
    page = client.get(f"/votes/{meetings.pk}/").content.decode()
    assert "Theod. Mahr Söhne" in page  # he cast the vote of his firm
    assert client.get(f"/votes/{meetings.pk}/export.json").status_code == 200


def test_the_chairs_and_the_steering_member_see_their_topics(client, demo):
    people = demo["people"]
    client.force_login(people["david.wagner@example.org"])
    page = client.get("/escalations/").content.decode()
    assert "Lehrerpraktika auch in den Herbstferien" in page
    submitted = Escalation.objects.get(state="submitted")
    assert "Votum abgeben" in client.get(f"/escalations/{submitted.pk}/").content.decode()
    client.force_login(people["felix.meyer@example.org"])
    assert client.get(f"/escalations/{submitted.pk}/").status_code == 404
