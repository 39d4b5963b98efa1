"""The escalation pages: raising a topic, the steering team's review, the decision, the forum vote."""

import re

import pytest

from escalations.models import Escalation, Review
from escalations.services import escalation_create, escalation_transition, review_policy_set
from tests.factories import UserFactory
from votes.models import Vote
from workgroups.services import membership_add

TOPIC = {
    "title": "Jobticket-Zuschuss",
    "rationale": "Mit Zuschuss fahren doppelt so viele mit.",
    "decision": "Empfiehlt das Forum einen Zuschuss von 15 Euro?",
    "project": "",
    "method": "yes_no_abstain",
    "options": "",
    "vote_days": "14",
}
VIEWERS = {"member", "chair", "steering", "staff", "admin"}


def text(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


def login(client, world, role):
    client.force_login(world.people[role])
    return client


def raised(world, **fields) -> Escalation:
    return escalation_create(
        workgroup=world.group,
        actor=world.people["chair"],
        **{
            "title": TOPIC["title"],
            "rationale": TOPIC["rationale"],
            "decision": TOPIC["decision"],
            **fields,
        },
    )


def submitted(world, **fields) -> Escalation:
    escalation = raised(world, **fields)
    escalation_transition(escalation=escalation, actor=world.people["chair"], name="submit")
    escalation.refresh_from_db()
    return escalation


@pytest.mark.parametrize(
    "role", ["outsider", "other_member", "forum_member", "other_steering", *sorted(VIEWERS)]
)
def test_an_escalation_is_seen_by_its_group_steering_team_and_staff_and_404_for_others(client, world, role):
    escalation = submitted(world)
    login(client, world, role)
    assert (escalation.title in text(client.get("/escalations/"))) == (role in VIEWERS)
    expected = 200 if role in VIEWERS else 404
    assert client.get(f"/escalations/{escalation.pk}/").status_code == expected
    for url in ("edit/", "review/", "transition/"):
        response = client.post(f"/escalations/{escalation.pk}/{url}", {})
        assert (response.status_code == 404) == (role not in VIEWERS), url


def test_the_chair_raises_a_topic_from_the_group_page(client, world):
    login(client, world, "chair")
    page = text(client.get(f"/groups/{world.group.slug}/"))
    assert f'href="/groups/{world.group.slug}/escalations/new/"' in page
    assert f'href="/groups/{world.group.slug}/escalations/new/"' in text(client.get("/escalations/"))
    form = text(client.get(f"/groups/{world.group.slug}/escalations/new/"))
    assert f'<option value="{world.project.pk}">Jobticket</option>' in form
    response = client.post(
        f"/groups/{world.group.slug}/escalations/new/", {**TOPIC, "project": str(world.project.pk)}
    )
    escalation = Escalation.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/escalations/{escalation.pk}/"
    assert escalation.state == "draft" and escalation.project == world.project
    page = text(client.get(f"/escalations/{escalation.pk}/"))
    assert "Entwurf gespeichert." in page and "Dem Steuerteam vorlegen" in page
    assert "Entwurf bearbeiten" in page
    # The group page lists it.
    assert escalation.title in text(client.get(f"/groups/{world.group.slug}/"))


@pytest.mark.parametrize(("role", "status"), [("member", 403), ("steering", 403), ("outsider", 404)])
def test_only_the_chair_may_raise(client, world, role, status):
    login(client, world, role)
    assert client.get(f"/groups/{world.group.slug}/escalations/new/").status_code == status
    assert client.post(f"/groups/{world.group.slug}/escalations/new/", TOPIC).status_code == status
    assert not Escalation.objects.exists()
    if role == "member":
        assert "escalations/new/" not in text(client.get(f"/groups/{world.group.slug}/"))


def test_bad_input_shows_the_form_again_with_the_reason(client, world):
    login(client, world, "chair")
    url = f"/groups/{world.group.slug}/escalations/new/"
    response = client.post(url, {**TOPIC, "method": "single", "options": "Nur eine Option"})
    assert response.status_code == 200
    assert "Eine Abstimmung braucht mindestens zwei Optionen." in text(response)
    response = client.post(url, {**TOPIC, "decision": "", "vote_days": "400"})
    page = text(response)
    assert "Dieses Feld ist zwingend erforderlich." in page
    assert "Dieser Wert muss kleiner oder gleich 90 sein." in page
    response = client.post(url, {**TOPIC, "project": str(world.other_project.pk)})
    assert "Bitte eine gültige Auswahl treffen." in text(response)
    assert not Escalation.objects.exists()


def test_the_chair_edits_a_draft_but_not_a_submitted_topic(client, world):
    escalation = raised(world)
    login(client, world, "chair")
    form = text(client.get(f"/escalations/{escalation.pk}/edit/"))
    assert 'value="Jobticket-Zuschuss"' in form
    response = client.post(
        f"/escalations/{escalation.pk}/edit/",
        {**TOPIC, "method": "single", "options": "Zuschuss 10 Euro\nZuschuss 15 Euro\n"},
    )
    assert response.status_code == 302
    escalation.refresh_from_db()
    assert escalation.options == ["Zuschuss 10 Euro", "Zuschuss 15 Euro"]
    assert login(client, world, "member").get(f"/escalations/{escalation.pk}/edit/").status_code == 403
    escalation_transition(escalation=escalation, actor=world.people["chair"], name="submit")
    login(client, world, "chair")
    response = client.get(f"/escalations/{escalation.pk}/edit/", follow=True)
    assert "Nur ein Entwurf kann geändert werden." in text(response)
    assert "Entwurf bearbeiten" not in text(response)


def test_submit_review_return_resubmit_approve_opens_the_forum_vote(client, world):
    second = UserFactory(email="steering2@example.org")
    membership_add(body=world.steering, user=second)  # two members: a majority is two approvals
    escalation = raised(world)

    login(client, world, "chair")
    response = client.post(
        f"/escalations/{escalation.pk}/transition/", {"transition": "submit", "expected_state": "draft"}
    )
    assert response.status_code == 302
    escalation.refresh_from_db()
    assert escalation.state == "submitted"
    assert "Review" not in text(client.get(f"/escalations/{escalation.pk}/"))  # the chair has no review form
    assert "Ihr Votum" not in text(client.get(f"/escalations/{escalation.pk}/"))

    login(client, world, "steering")
    page = text(client.get(f"/escalations/{escalation.pk}/"))
    assert "0 von 2 nötigen" in page and "Ihr Votum" in page
    response = client.post(
        f"/escalations/{escalation.pk}/review/",
        {"verdict": "object", "reason": "Bitte die Kosten je Unternehmen nennen."},
        follow=True,
    )
    page = text(response)
    assert "Ihr Einwand ist vermerkt." in page
    assert "Einwand</strong> – " in page and "Bitte die Kosten je Unternehmen nennen." in page
    response = client.post(
        f"/escalations/{escalation.pk}/transition/",
        {"transition": "return", "comment": "Kosten fehlen.", "expected_state": "submitted"},
    )
    escalation.refresh_from_db()
    assert escalation.state == "draft"

    login(client, world, "chair")
    page = text(client.get(f"/escalations/{escalation.pk}/"))
    assert "Kosten fehlen." in page and "Voten früherer Vorlagen" in page and "Entwurf bearbeiten" in page
    client.post(f"/escalations/{escalation.pk}/edit/", {**TOPIC, "rationale": "Kosten: 15 Euro je Monat."})
    client.post(
        f"/escalations/{escalation.pk}/transition/", {"transition": "submit", "expected_state": "draft"}
    )

    login(client, world, "steering")
    client.post(
        f"/escalations/{escalation.pk}/review/", {"verdict": "approve", "reason": "Jetzt vollständig."}
    )
    escalation.refresh_from_db()
    assert escalation.state == "submitted" and escalation.vote is None
    assert "1 von 2 nötigen" in text(client.get(f"/escalations/{escalation.pk}/"))

    client.force_login(second)
    response = client.post(
        f"/escalations/{escalation.pk}/review/",
        {"verdict": "approve", "reason": "Einverstanden."},
        follow=True,
    )
    page = text(response)
    assert "die Abstimmung im Forum ist geöffnet" in page
    escalation.refresh_from_db()
    vote = escalation.vote
    assert escalation.state == "approved" and vote.is_open and vote.origin_body == world.group
    assert f'href="/votes/{vote.pk}/"' in page and "Zur Abstimmung im Forum" in page
    assert "Jetzt vollständig." in page and "Einverstanden." in page

    # The group's members reach the vote, and the vote page leads back to the topic.
    login(client, world, "member")
    page = text(client.get(f"/votes/{vote.pk}/"))
    assert "Eingebracht von AG Fachkräfte" in page and f'href="/escalations/{escalation.pk}/"' in page
    assert f'href="/votes/{vote.pk}/"' in text(client.get("/escalations/"))
    page = text(login(client, world, "forum_member").get(f"/votes/{vote.pk}/"))
    assert "Eingebracht von AG Fachkräfte" in page and f'href="/escalations/{escalation.pk}/"' not in page


def test_a_review_without_a_reason_shows_the_form_again(client, world):
    escalation = submitted(world)
    response = login(client, world, "steering").post(
        f"/escalations/{escalation.pk}/review/", {"verdict": "approve", "reason": " "}
    )
    assert response.status_code == 200
    assert "Bitte das Votum begründen." in text(response)
    assert not Review.objects.exists()


@pytest.mark.parametrize("role", ["member", "chair", "staff"])
def test_people_outside_the_steering_team_may_not_review(client, world, role):
    escalation = submitted(world)
    login(client, world, role)
    assert "Votum abgeben" not in text(client.get(f"/escalations/{escalation.pk}/"))
    response = client.post(f"/escalations/{escalation.pk}/review/", {"verdict": "approve", "reason": "Ja"})
    assert response.status_code == 403
    assert not Review.objects.exists()


def test_a_review_after_the_decision_is_refused_with_a_message(client, world):
    escalation = submitted(world)
    escalation_transition(escalation=escalation, actor=world.people["chair"], name="withdraw")
    response = login(client, world, "steering").post(
        f"/escalations/{escalation.pk}/review/", {"verdict": "approve", "reason": "Ja"}, follow=True
    )
    assert "liegt nicht (mehr) zur Prüfung beim Steuerteam" in text(response)
    assert not Review.objects.exists()


def test_refusing_needs_a_comment_and_the_panel_says_so_through_htmx(client, world):
    escalation = submitted(world)
    login(client, world, "steering")
    url = f"/escalations/{escalation.pk}/transition/"
    response = client.post(
        url,
        {"transition": "refuse", "comment": "", "expected_state": "submitted"},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200 and "workflow-panel" in text(response)
    assert 'role="alert"' in text(response)
    escalation.refresh_from_db()
    assert escalation.state == "submitted"
    response = client.post(
        url,
        {"transition": "refuse", "comment": "Gehört nicht ins Forum.", "expected_state": "submitted"},
        headers={"HX-Request": "true"},
    )
    assert response["HX-Redirect"] == f"/escalations/{escalation.pk}/"
    escalation.refresh_from_db()
    assert escalation.state == "refused" and escalation.vote is None
    page = text(client.get(f"/escalations/{escalation.pk}/"))
    assert "Abgelehnt" in page and "Gehört nicht ins Forum." in page


def test_the_member_cannot_take_the_chairs_steps(client, world):
    escalation = raised(world)
    login(client, world, "member")
    page = text(client.get(f"/escalations/{escalation.pk}/"))
    assert "Für Sie ist gerade kein Schritt möglich." in page
    response = client.post(
        f"/escalations/{escalation.pk}/transition/",
        {"transition": "submit", "expected_state": "draft"},
        follow=True,
    )
    assert response.status_code == 200
    escalation.refresh_from_db()
    assert escalation.state == "draft"
    assert 'class="message message-error"' in text(response)


def test_the_approvals_needed_follow_the_steering_teams_rule(client, world):
    review_policy_set(actor=world.people["staff"], steering_team=world.steering, approvals_required=1)
    escalation = raised(world)
    page = text(login(client, world, "chair").get(f"/escalations/{escalation.pk}/"))
    assert "mit 1 Zustimmung aus dem ST Fachkräfte &amp; CSR freigegeben" in page


def test_the_steering_teams_page_lists_the_topics_of_its_groups(client, world):
    escalation = submitted(world)
    page = text(login(client, world, "steering").get(f"/groups/{world.steering.slug}/"))
    assert escalation.title in page and "Eskalationen" in page
    assert escalation.title not in text(
        login(client, world, "other_steering").get(f"/groups/{world.other_steering.slug}/")
    )


def test_an_approved_escalation_links_to_its_open_vote(client, world):
    escalation = submitted(world, method=Vote.Method.SINGLE, options=["Eurogress", "Tivoli"], vote_days=7)
    login(client, world, "steering")
    client.post(f"/escalations/{escalation.pk}/review/", {"verdict": "approve", "reason": "Gut."})
    escalation.refresh_from_db()
    page = text(client.get(f"/escalations/{escalation.pk}/"))
    assert f'href="/votes/{escalation.vote.pk}/"' in page
    vote = escalation.vote
    assert vote.is_open and vote.method == Vote.Method.SINGLE
    assert list(vote.options.values_list("label", flat=True)) == ["Eurogress", "Tivoli"]
    assert (vote.closes_at - vote.opens_at).days == 7
    page = text(login(client, world, "forum_member").get(f"/votes/{vote.pk}/"))
    assert "> Eurogress</label>" in page and "Stimme abgeben" in page
