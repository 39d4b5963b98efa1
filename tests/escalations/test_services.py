"""Escalations through their services: raising, the steering team's approvals and objections per
round, returning and refusing with a comment, the forum vote an approval opens, who is told."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from core.errors import Conflict
from escalations.models import Escalation, Review
from escalations.selectors import approvals_count, reviews_of
from escalations.services import (
    escalation_create,
    escalation_review,
    escalation_transition,
    escalation_update,
    review_policy_set,
)
from notifications.models import Notification
from notifications.rendering import message_render
from tests.factories import UserFactory
from tests.votes.test_services import electorate
from workflows.errors import TransitionForbidden, TransitionNotAllowed
from workgroups.services import membership_add

THEMES = ["Fachkräfte", "Innovation", "Kommunikation", "CSR"]


def raise_topic(world, **fields) -> Escalation:
    fields = {
        "title": "Jobticket für alle Mitgliedsunternehmen",
        "rationale": "Die AG hat den Bedarf erhoben: 400 Beschäftigte wollen ein Jobticket.",
        "decision": "Soll die Initiative mit dem AVV über ein gemeinsames Jobticket verhandeln?",
        **fields,
    }
    return escalation_create(workgroup=world.group, actor=world.people["chair"], **fields)


def submit(world, escalation: Escalation) -> Escalation:
    escalation_transition(escalation=escalation, actor=world.people["chair"], name="submit")
    escalation.refresh_from_db()
    return escalation


def steering_team(world, size: int) -> list:
    """The group's steering team with `size` members: the world's steering member and new ones."""
    team = [world.people["steering"]]
    for i in range(size - 1):
        person = UserFactory(email=f"steuerteam{i}@example.org", first_name=f"Steuerteam {i}")
        membership_add(body=world.steering, user=person)
        team.append(person)
    return team


def approve(escalation, person, reason="Gute Vorlage") -> Review:
    return escalation_review(escalation=escalation, actor=person, verdict="approve", reason=reason)


def state(escalation) -> str:
    escalation.refresh_from_db()
    return escalation.state


def notified(kind: str, escalation) -> list[str]:
    rows = Notification.objects.filter(kind=kind, subject_type__model="escalation", subject_id=escalation.pk)
    return sorted(rows.values_list("recipient__email", flat=True))


# How many approvals -----------------------------------------------------------------------------


@pytest.mark.parametrize(("team", "needed"), [(1, 1), (2, 2), (3, 2), (4, 3), (5, 3), (6, 4)])
def test_approvals_needed_default_to_a_majority_of_the_steering_team(world, team, needed):
    people = steering_team(world, team)
    escalation = submit(world, raise_topic(world))

    assert escalation.approvals_required == needed
    for person in people[: needed - 1]:
        approve(escalation, person)
        assert state(escalation) == "submitted"
    approve(escalation, people[needed - 1])
    assert state(escalation) == "approved"


def test_a_review_policy_overrides_the_majority(world):
    team = steering_team(world, 5)
    staff = world.people["staff"]
    with pytest.raises(PermissionDenied):
        review_policy_set(actor=team[0], steering_team=world.steering, approvals_required=1)
    with pytest.raises(ValidationError, match="Mindestens eine Zustimmung"):
        review_policy_set(actor=staff, steering_team=world.steering, approvals_required=0)
    with pytest.raises(ValidationError, match="gilt für ein Steuerteam"):
        review_policy_set(actor=staff, steering_team=world.group, approvals_required=1)

    review_policy_set(actor=staff, steering_team=world.steering, approvals_required=1)
    one = submit(world, raise_topic(world))
    review_policy_set(actor=staff, steering_team=world.steering, approvals_required=9)  # more than the team
    all_five = submit(world, raise_topic(world, title="Alle fünf"))
    review_policy_set(actor=staff, steering_team=world.steering, approvals_required=None)
    majority = submit(world, raise_topic(world, title="Mehrheit"))

    assert (one.approvals_required, all_five.approvals_required, majority.approvals_required) == (1, 5, 3)
    approve(one, team[3])
    assert state(one) == "approved"
    # Another steering team's rule does not apply to this group.
    review_policy_set(actor=staff, steering_team=world.other_steering, approvals_required=1)
    assert submit(world, raise_topic(world, title="Andere Regel")).approvals_required == 3


def test_approvals_of_an_earlier_round_do_not_count_after_return_and_resubmission(world):
    first, second, third = steering_team(world, 3)
    chair = world.people["chair"]
    escalation = submit(world, raise_topic(world))
    approve(escalation, first)
    escalation_transition(
        escalation=escalation, actor=second, name="return", comment="Bitte die Kosten beziffern."
    )
    assert state(escalation) == "draft"
    escalation_update(escalation=escalation, actor=chair, rationale="Kosten: 30 € je Ticket und Monat.")
    escalation = submit(world, escalation)

    assert escalation.round == 2
    assert approvals_count(escalation) == 0
    approve(escalation, first)
    assert state(escalation) == "submitted"
    with pytest.raises(TransitionNotAllowed) as refused:
        escalation_transition(escalation=escalation, actor=third, name="approve", comment="jetzt")
    assert refused.value.reason == "Noch 1 Zustimmung des Steuerteams nötig (1 von 2)."
    approve(escalation, second)
    assert state(escalation) == "approved"
    assert [(r.round, r.reviewer, r.verdict) for r in reviews_of(escalation)] == [
        (1, first, "approve"),
        (2, first, "approve"),
        (2, second, "approve"),
    ]


def test_objections_are_recorded_with_their_reason_and_approve_nothing(world):
    first, second, third = steering_team(world, 3)
    escalation = submit(world, raise_topic(world))

    with pytest.raises(ValidationError) as refused:
        escalation_review(escalation=escalation, actor=first, verdict="object", reason="  ")
    assert refused.value.message_dict == {"reason": ["Bitte das Votum begründen."]}
    with pytest.raises(ValidationError, match="zustimmen oder einen Einwand"):
        escalation_review(escalation=escalation, actor=first, verdict="maybe", reason="Hm")
    escalation_review(
        escalation=escalation, actor=first, verdict="object", reason="Zu teuer für kleine Betriebe"
    )
    escalation_review(
        escalation=escalation, actor=second, verdict="object", reason="Erst die AG Mobilität fragen"
    )
    approve(escalation, third)

    assert state(escalation) == "submitted"
    assert sorted((r.reviewer.email, r.verdict, r.reason) for r in reviews_of(escalation, round=1)) == sorted(
        [
            (first.email, "object", "Zu teuer für kleine Betriebe"),
            (second.email, "object", "Erst die AG Mobilität fragen"),
            (third.email, "approve", "Gute Vorlage"),
        ]
    )
    # A reviewer may change their mind within the round: still one voice each.
    approve(escalation, first, reason="Nach Rücksprache einverstanden")
    assert state(escalation) == "approved"
    assert Review.objects.filter(escalation=escalation, reviewer=first).count() == 1


def test_returning_and_refusing_need_a_comment(world):
    (steering,) = steering_team(world, 1)
    escalation = submit(world, raise_topic(world))

    for name in ("return", "refuse"):
        with pytest.raises(TransitionNotAllowed, match="ist ein Kommentar nötig"):
            escalation_transition(escalation=escalation, actor=steering, name=name, comment="   ")
    assert state(escalation) == "submitted"
    escalation_transition(
        escalation=escalation, actor=steering, name="refuse", comment="Nicht Sache des Forums"
    )
    assert state(escalation) == "refused"
    with pytest.raises(Conflict, match="nicht \\(mehr\\) zur Prüfung"):
        approve(escalation, steering)
    assert escalation.vote is None


def test_only_the_groups_chair_raises_and_submits(world):
    for role in ("member", "steering", "forum_member", "staff", "other_member", "admin"):
        with pytest.raises(PermissionDenied):
            escalation_create(
                workgroup=world.group, actor=world.people[role], title="T", rationale="R", decision="D"
            )
    with pytest.raises(PermissionDenied):  # a chair, but of another group
        escalation_create(
            workgroup=world.other_group, actor=world.people["chair"], title="T", rationale="R", decision="D"
        )
    escalation = raise_topic(world)

    for role in ("member", "steering"):
        with pytest.raises(TransitionForbidden, match="Nur für: Vorsitz"):
            escalation_transition(escalation=escalation, actor=world.people[role], name="submit")
    for role in ("outsider", "other_member", "other_steering", "forum_member"):
        with pytest.raises(PermissionDenied):
            escalation_transition(escalation=escalation, actor=world.people[role], name="submit")
    assert state(escalation) == "draft"
    assert submit(world, escalation).state == "submitted"


def test_only_the_groups_steering_team_reviews_and_only_while_submitted(world):
    escalation = raise_topic(world)
    with pytest.raises(Conflict, match="nicht \\(mehr\\) zur Prüfung"):
        approve(escalation, world.people["steering"])
    escalation = submit(world, escalation)

    for role in ("chair", "member", "other_steering", "forum_member", "staff", "outsider"):
        with pytest.raises(PermissionDenied):
            approve(escalation, world.people[role])
    assert not Review.objects.exists()


def test_the_draft_is_edited_by_the_chair_only_and_only_as_a_draft(world):
    escalation = raise_topic(world, method="single", options=["AVV", "ASEAG"])
    with pytest.raises(PermissionDenied):
        escalation_update(escalation=escalation, actor=world.people["member"], title="Neu")
    with pytest.raises(ValidationError) as refused:
        escalation_update(escalation=escalation, actor=world.people["chair"], options=["AVV"])
    assert "mindestens zwei Optionen" in refused.value.message_dict["options"][0]
    with pytest.raises(ValidationError) as refused:
        escalation_update(escalation=escalation, actor=world.people["chair"], project=world.other_project)
    assert "gehört nicht zu dieser Arbeitsgruppe" in refused.value.message_dict["project"][0]
    submit(world, escalation)
    with pytest.raises(Conflict, match="Nur ein Entwurf"):
        escalation_update(escalation=escalation, actor=world.people["chair"], title="Neu")


# The forum vote -------------------------------------------------------------------------------


def test_approval_opens_the_forum_vote_with_the_escalations_options_method_and_group(world):
    voters = electorate(world, 3)
    escalation = raise_topic(world, method="schulze", options=THEMES, vote_days=10, vote_secret=True)
    escalation = submit(world, escalation)
    before = timezone.now()
    approve(escalation, world.people["steering"])
    escalation.refresh_from_db()
    vote = escalation.vote

    assert escalation.state == "approved"
    assert (vote.status, vote.method, vote.secret, vote.origin_body) == ("open", "schulze", True, world.group)
    assert list(vote.options.values_list("label", flat=True)) == THEMES
    assert vote.title == escalation.title
    assert escalation.decision in vote.description and escalation.rationale in vote.description
    assert before <= vote.opens_at <= timezone.now()
    assert vote.closes_at - vote.opens_at == datetime.timedelta(days=10)
    assert vote.electorate_size == 3
    opened = Notification.objects.filter(kind="vote_opened", subject_id=vote.pk, subject_type__model="vote")
    assert sorted(opened.values_list("recipient__email", flat=True)) == sorted(p.email for p in voters)


def test_a_yes_no_escalation_opens_a_yes_no_vote(world):
    escalation = submit(world, raise_topic(world))
    approve(escalation, world.people["steering"])
    escalation.refresh_from_db()

    assert escalation.vote.method == "yes_no_abstain"
    assert list(escalation.vote.options.values_list("label", flat=True)) == ["Ja", "Nein", "Enthaltung"]


# Who is told --------------------------------------------------------------------------------------


def test_raising_tells_the_steering_team_and_nobody_else(world):
    team = steering_team(world, 3)
    escalation = submit(world, raise_topic(world))

    assert notified("escalation_raised", escalation) == sorted(p.email for p in team)
    note = Notification.objects.get(kind="escalation_raised", recipient=team[0])
    assert message_render(note).headline == (
        "AG Fachkräfte bittet das Steuerteam um Freigabe: „Jobticket für alle Mitgliedsunternehmen“"
    )


@pytest.mark.parametrize(
    ("name", "comment", "headline"),
    [
        ("approve", "", "„Jobticket für alle Mitgliedsunternehmen“: freigegeben, das Forum stimmt ab"),
        (
            "return",
            "Bitte Kosten nennen",
            "„Jobticket für alle Mitgliedsunternehmen“: zur Überarbeitung zurückgegeben",
        ),
        ("refuse", "Nicht Sache des Forums", "„Jobticket für alle Mitgliedsunternehmen“: abgelehnt"),
    ],
)
def test_the_decision_is_told_to_the_groups_chair_and_members_only(world, name, comment, headline):
    member, chair, steering = world.people["member"], world.people["chair"], world.people["steering"]
    escalation = submit(world, raise_topic(world))
    if name == "approve":
        approve(escalation, steering, reason="Einverstanden")
    else:
        escalation_transition(escalation=escalation, actor=steering, name=name, comment=comment)

    assert notified("escalation_decided", escalation) == sorted([member.email, chair.email])
    note = Notification.objects.get(kind="escalation_decided", recipient=member)
    assert message_render(note).headline == headline
    assert note.data["comment"] == (comment or "Einverstanden")
    assert not Notification.objects.filter(
        recipient__in=[
            world.people[r] for r in ("other_member", "other_steering", "outsider", "forum_member")
        ],
        subject_type__model="escalation",
    ).exists()
