"""The escalations API: raise, edit the draft, submit, review, return, refuse, and the vote it opens."""

import pytest

from escalations.models import Escalation, Review
from escalations.services import review_policy_set
from tests.factories import UserFactory
from tests.votes.api_support import api, make_escalation, submitted_escalation
from votes.models import Vote
from workgroups.services import membership_add


def detail(world, role, escalation):
    return api(world, role).get(f"/api/v1/escalations/{escalation.pk}/")


def transition(world, role, escalation, name, **extra):
    return api(world, role).post(
        f"/api/v1/escalations/{escalation.pk}/transition/", {"transition": name, **extra}, format="json"
    )


def review(world, role, escalation, verdict="approve", reason="Gut begründet."):
    return api(world, role).post(
        f"/api/v1/escalations/{escalation.pk}/reviews/", {"verdict": verdict, "reason": reason}, format="json"
    )


def test_chair_raises_a_topic_as_a_draft(world):
    response = api(world, "chair").post(
        "/api/v1/escalations/",
        {
            "workgroup": world.group.pk,
            "project": world.project.pk,
            "title": "Jobticket für alle Betriebe",
            "rationale": "Die AG hat den Bedarf erhoben.",
            "decision": "Das Forum möge ein Jobticket fordern.",
            "method": "single",
            "options": ["Jobticket", "Zuschuss", "nichts"],
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["state"] == "draft" and body["state_label"] == "Entwurf"
    assert body["vote"] is None and body["round"] == 0
    assert body["approvals_needed"] == 1  # a majority of a one-person steering team
    assert body["approvals_given"] == 0 and body["reviews"] == []
    assert {t["name"]: t["allowed"] for t in body["transitions"]} == {"submit": True, "withdraw": True}
    assert [h["kind"] for h in body["history"]] == ["start"]


def test_bad_input_answers_400_naming_the_field(world):
    client = api(world, "chair")
    data = {"workgroup": world.group.pk, "title": "X", "rationale": "r", "decision": "d"}
    response = client.post(
        "/api/v1/escalations/", {**data, "method": "single", "options": ["eine"]}, format="json"
    )
    assert response.status_code == 400 and "options" in response.json()
    response = client.post("/api/v1/escalations/", {**data, "vote_days": 365}, format="json")
    assert response.status_code == 400 and "vote_days" in response.json()
    response = client.post(
        "/api/v1/escalations/", {**data, "project": world.other_project.pk}, format="json"
    )  # a project of another group, which the chair does not see: like one that does not exist
    assert response.status_code == 400 and "project" in response.json()


def test_draft_is_edited_by_the_chair_only_while_it_is_a_draft(world):
    escalation = make_escalation(world)
    client = api(world, "chair")
    response = client.patch(f"/api/v1/escalations/{escalation.pk}/", {"title": "Neuer Titel"}, format="json")
    assert response.status_code == 200 and response.json()["title"] == "Neuer Titel"
    member = api(world, "member").patch(
        f"/api/v1/escalations/{escalation.pk}/", {"title": "X"}, format="json"
    )
    assert member.status_code == 403
    assert transition(world, "chair", escalation, "submit").status_code == 200
    response = client.patch(f"/api/v1/escalations/{escalation.pk}/", {"title": "Zu spät"}, format="json")
    assert response.status_code == 409
    assert "Nur ein Entwurf" in response.json()["detail"]
    escalation.refresh_from_db()
    assert escalation.title == "Neuer Titel"


def test_approvals_reach_the_number_and_open_the_forum_vote(world):
    second = UserFactory(email="zweite.steuerung@example.org")
    membership_add(body=world.steering, user=second)
    review_policy_set(actor=world.people["staff"], steering_team=world.steering, approvals_required=2)
    escalation = submitted_escalation(world)
    response = review(world, "steering", escalation)
    assert response.status_code == 201, response.content
    assert response.json()["verdict"] == "approve" and response.json()["round"] == 1
    body = detail(world, "steering", escalation).json()
    assert body["state"] == "submitted"
    assert (body["approvals_needed"], body["approvals_given"]) == (2, 1)
    approve = {t["name"]: t for t in body["transitions"]}["approve"]
    assert approve["allowed"] is False and "Noch 1 Zustimmung" in approve["reason"]
    second_client = api(world, "steering")
    second_client.force_authenticate(second)
    response = second_client.post(
        f"/api/v1/escalations/{escalation.pk}/reviews/",
        {"verdict": "approve", "reason": "Ja."},
        format="json",
    )
    assert response.status_code == 201
    body = detail(world, "chair", escalation).json()
    assert body["state"] == "approved"
    vote = Vote.objects.get(pk=body["vote"])
    assert vote.status == "open" and vote.origin_body == world.group
    assert len(body["reviews"]) == 2
    assert [h["transition"] for h in body["history"]] == ["", "submit", "approve"]


def test_objection_is_recorded_with_its_reason(world):
    escalation = submitted_escalation(world)
    response = review(world, "steering", escalation, verdict="object", reason="Zu früh.")
    assert response.status_code == 201
    listed = api(world, "member").get(f"/api/v1/escalations/{escalation.pk}/reviews/").json()
    assert [(r["verdict"], r["reason"], r["reviewer"]) for r in listed] == [
        ("object", "Zu früh.", world.people["steering"].pk)
    ]
    assert detail(world, "member", escalation).json()["state"] == "submitted"


@pytest.mark.parametrize(
    ("payload", "field"),
    [({"verdict": "vielleicht", "reason": "x"}, "verdict"), ({"verdict": "approve"}, "reason")],
)
def test_bad_review_answers_400_naming_the_field(world, payload, field):
    escalation = submitted_escalation(world)
    response = api(world, "steering").post(
        f"/api/v1/escalations/{escalation.pk}/reviews/", payload, format="json"
    )
    assert response.status_code == 400 and field in response.json()
    assert not Review.objects.exists()


def test_review_of_a_draft_is_409(world):
    escalation = make_escalation(world)
    response = review(world, "steering", escalation)
    assert response.status_code == 409
    assert "nicht (mehr) zur Prüfung" in response.json()["detail"]


def test_return_needs_a_comment_and_sends_the_topic_back_to_draft(world):
    escalation = submitted_escalation(world)
    refused = transition(world, "steering", escalation, "return")
    assert refused.status_code == 400
    response = transition(world, "steering", escalation, "return", comment="Bitte Optionen ergänzen.")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["state"] == "draft"
    assert body["history"][-1]["comment"] == "Bitte Optionen ergänzen."
    # The next round starts afresh.
    assert transition(world, "chair", escalation, "submit").status_code == 200
    assert detail(world, "chair", escalation).json()["round"] == 2


def test_stale_expected_state_is_409(world):
    escalation = submitted_escalation(world)
    response = transition(world, "chair", escalation, "withdraw", expected_state="draft")
    assert response.status_code == 409
    escalation.refresh_from_db()
    assert escalation.state == "submitted"


def test_refuse_by_someone_who_sees_it_is_403_by_someone_who_does_not_404(world):
    escalation = submitted_escalation(world)
    assert transition(world, "chair", escalation, "refuse", comment="Nein.").status_code == 403
    assert transition(world, "other_steering", escalation, "refuse", comment="Nein.").status_code == 404
    response = transition(world, "steering", escalation, "refuse", comment="Nicht Sache des Forums.")
    assert response.status_code == 200 and response.json()["state"] == "refused"


def test_list_filters_by_group_and_state(world):
    draft = make_escalation(world, title="Entwurf")
    submitted = submitted_escalation(world, title="Vorgelegt")
    client = api(world, "steering")
    ids = lambda query: [e["id"] for e in client.get(f"/api/v1/escalations/{query}").json()["results"]]  # noqa: E731
    assert set(ids("")) == {draft.pk, submitted.pk}
    assert ids("?state=submitted") == [submitted.pk]
    assert set(ids(f"?group={world.group.slug}")) == {draft.pk, submitted.pk}
    assert ids(f"?group={world.other_group.slug}") == []
    assert ids(f"?workgroup={world.group.pk}&state=draft") == [draft.pk]
    assert api(world, "other_steering").get("/api/v1/escalations/").json()["count"] == 0


def test_escalation_list_costs_the_same_queries_for_more_rows(world, django_assert_max_num_queries):
    client = api(world, "staff")
    make_escalation(world)
    with django_assert_max_num_queries(12) as few:
        client.get("/api/v1/escalations/")
    for n in range(5):
        make_escalation(world, title=f"Thema {n}")
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get("/api/v1/escalations/")
    assert response.json()["count"] == Escalation.objects.count() == 6
