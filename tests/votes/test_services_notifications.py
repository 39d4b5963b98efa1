"""Who hears of a vote: opened (the electorate), closing soon (electors who have not voted, once),
closed (the electorate and the group that raised it) — and nobody who may not see the vote."""

import datetime

import pytest
from django.utils import timezone

from notifications.models import Notification
from notifications.reminders import reminders_send
from notifications.rendering import message_render
from tests.factories import OrganisationFactory
from tests.votes.test_services import YES, close, electorate, forum_members, vote_new
from votes.models import Vote
from votes.services import ballot_cast, delegation_set, vote_close, vote_create_raised
from workgroups.models import Membership
from workgroups.services import membership_end


def recipients(vote: Vote, kind: str) -> list[str]:
    rows = Notification.objects.filter(kind=kind, subject_type__model="vote", subject_id=vote.pk)
    return sorted(rows.values_list("recipient__email", flat=True))


def emails(people) -> list[str]:
    return sorted(person.email for person in people)


def leave(person, body) -> None:
    membership_end(
        membership=Membership.objects.get(user=person, body=body, left_at__isnull=True), actor=person
    )


def test_opening_tells_the_electorate_and_nobody_else(world):
    people = electorate(world, 3)
    vote = vote_new(world)

    assert recipients(vote, "vote_opened") == emails(people)
    note = Notification.objects.get(kind="vote_opened", recipient=people[0])
    assert note.data["url"] == f"/votes/{vote.pk}/"
    assert message_render(note).headline.startswith("Abstimmung geöffnet: „Jobticket für alle")


def test_an_organisation_vote_tells_representatives_and_deputies(world):
    organisation = OrganisationFactory(name="Theod. Mahr Söhne")
    representative, deputy, colleague = forum_members(world, 3, prefix="mahr", organisation=organisation)
    delegation_set(
        actor=world.people["staff"], organisation=organisation, representative=representative, deputy=deputy
    )

    vote = vote_new(world, electorate_kind="organisations")

    assert recipients(vote, "vote_opened") == emails([representative, deputy])
    assert colleague.email not in recipients(vote, "vote_opened")


@pytest.fixture
def closes():
    """A closing time: the day after tomorrow at 10:00, local time."""
    day = timezone.localdate() + datetime.timedelta(days=2)
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(10, 0)))


def test_closing_reminder_goes_once_to_each_elector_who_has_not_voted(world, closes):
    voted, waits, votes_later = electorate(world, 3)
    vote = vote_new(world, closes_at=closes)
    ballot_cast(vote=vote, actor=voted, choices=[YES])
    day_before = vote.closes_at - datetime.timedelta(hours=23)  # 11:00 the day before
    morning = vote.closes_at - datetime.timedelta(hours=2)  # 08:00 on the closing day

    reminders_send(now=vote.closes_at - datetime.timedelta(hours=30))  # not yet within 24 hours
    assert recipients(vote, "vote_closing") == []
    reminders_send(now=day_before)
    reminders_send(now=day_before + datetime.timedelta(hours=3))
    assert recipients(vote, "vote_closing") == emails([waits, votes_later])

    ballot_cast(vote=vote, actor=votes_later, choices=[YES])
    assert timezone.localdate(morning) != timezone.localdate(day_before)
    reminders_send(now=morning)  # a new day: still nobody is reminded twice
    assert recipients(vote, "vote_closing") == emails([waits, votes_later])
    note = Notification.objects.get(kind="vote_closing", recipient=waits)
    assert message_render(note).headline == (
        f"Noch bis {timezone.localtime(vote.closes_at):%Y-%m-%d %H:%M}: Ihre Stimme zu „{vote.title}“ fehlt"
    )


def test_closing_reminder_skips_an_organisation_once_either_delegate_voted(world, closes):
    staff = world.people["staff"]
    voted_org, waiting_org = OrganisationFactory(name="Philips"), OrganisationFactory(name="Continental")
    rep_a, dep_a = forum_members(world, 2, prefix="philips", organisation=voted_org)
    rep_b, dep_b = forum_members(world, 2, prefix="conti", organisation=waiting_org)
    delegation_set(actor=staff, organisation=voted_org, representative=rep_a, deputy=dep_a)
    delegation_set(actor=staff, organisation=waiting_org, representative=rep_b, deputy=dep_b)
    vote = vote_new(world, electorate_kind="organisations", closes_at=closes)
    ballot_cast(vote=vote, actor=dep_a, choices=[YES])

    reminders_send(now=vote.closes_at - datetime.timedelta(hours=5))

    assert recipients(vote, "vote_closing") == emails([rep_b, dep_b])


def test_closing_tells_the_electorate_and_the_group_that_raised_the_vote(world):
    people = electorate(world, 2)
    member, chair = world.people["member"], world.people["chair"]
    now = timezone.now()
    vote = vote_create_raised(
        actor=chair,
        options=None,
        origin_body=world.group,
        title="Jobticket einführen?",
        method="yes_no_abstain",
        opens_at=now,
        closes_at=now + datetime.timedelta(days=3),
    )
    ballot_cast(vote=vote, actor=people[0], choices=[YES])
    vote = close(vote)

    # The steering team may see the vote, but is neither electorate nor the raising group.
    assert recipients(vote, "vote_closed") == emails([*people, member, chair])
    note = Notification.objects.get(kind="vote_closed", recipient=member)
    assert (note.data["passed"], note.data["turnout"]) == ("yes", "1")
    assert message_render(note).headline == "Ergebnis: „Jobticket einführen?“"


def test_closing_a_vote_without_a_raising_group_tells_only_the_electorate(world):
    people = electorate(world, 2)
    vote = close(vote_new(world))

    assert recipients(vote, "vote_closed") == emails(people)


def test_nobody_who_may_no_longer_see_the_vote_hears_of_it(world, closes):
    """An elector who left the forum stays in the frozen electorate but no longer sees the vote;
    a group member who left no longer hears what their group raised."""
    stays, leaves = electorate(world, 2)
    vote = vote_new(world, closes_at=closes)
    leave(leaves, world.forum)
    leave(world.people["member"], world.group)

    reminders_send(now=vote.closes_at - datetime.timedelta(hours=5))
    Vote.objects.filter(pk=vote.pk).update(origin_body=world.group)
    vote.refresh_from_db()
    assert vote_close(vote=vote, now=vote.closes_at)

    assert recipients(vote, "vote_closing") == emails([stays])
    assert recipients(vote, "vote_closed") == emails([stays, world.people["chair"]])
    assert list(Notification.objects.filter(recipient=leaves).values_list("kind", flat=True)) == [
        "vote_opened"  # while still in the forum
    ]
    assert not Notification.objects.filter(
        recipient__in=[world.people["other_member"], world.people["outsider"]]
    ).exists()
