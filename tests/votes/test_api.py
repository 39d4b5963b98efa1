"""The votes API as a client sees it: create, detail, ballots, turnout, results, export, refusals."""

import datetime
import json

import pytest
from django.utils import timezone

from tests.votes.api_support import add_delegates, api, close, make_vote
from votes.export import parse_export
from votes.models import Ballot, Participation, Vote


@pytest.fixture
def forum(world):
    return add_delegates(world)


def cast(forum, role, vote, payload):
    return api(forum, role).post(f"/api/v1/votes/{vote.pk}/ballot/", payload, format="json")


def test_steering_member_creates_a_vote_that_opens_at_once(forum):
    closes = timezone.now() + datetime.timedelta(days=3)
    response = api(forum, "steering").post(
        "/api/v1/votes/",
        {
            "title": "Welche Themen zuerst?",
            "method": "schulze",
            "options": ["Fachkräfte", "Mobilität", "Energie"],
            "closes_at": closes.isoformat(),
            "secret": True,
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["status"] == "open"
    assert [o["label"] for o in body["options"]] == ["Fachkräfte", "Mobilität", "Energie"]
    assert [o["position"] for o in body["options"]] == [0, 1, 2]
    assert body["electorate_size"] == 3
    assert len(body["electorate_sha256"]) == 64
    assert body["turnout"] == 0
    # The steering member sees the vote but is not in the electorate.
    assert body["may_vote"] is False and body["electors"] == []


def test_vote_without_a_closing_time_runs_the_usual_duration(forum):
    response = api(forum, "staff").post(
        "/api/v1/votes/", {"title": "Jobticket?", "method": "yes_no_abstain"}, format="json"
    )
    assert response.status_code == 201, response.content
    vote = Vote.objects.get(pk=response.json()["id"])
    assert vote.closes_at - vote.opens_at == datetime.timedelta(days=14)
    assert [o["label"] for o in response.json()["options"]] == ["Ja", "Nein", "Enthaltung"]


def test_bad_vote_settings_answer_400_naming_the_field(forum):
    response = api(forum, "staff").post(
        "/api/v1/votes/", {"title": "Welche?", "method": "single", "options": ["nur eine"]}, format="json"
    )
    assert response.status_code == 400
    assert "mindestens zwei Optionen" in response.json()["options"][0]
    response = api(forum, "staff").post(
        "/api/v1/votes/",
        {"title": "Quorum?", "method": "yes_no_abstain", "quorum_kind": "share", "quorum_value": 150},
        format="json",
    )
    assert response.status_code == 400
    assert "zwischen 1 und 100" in response.json()["quorum_value"][0]


def test_voter_sees_that_they_may_vote_then_that_they_voted_and_what(forum):
    vote = make_vote(forum)
    before = api(forum, "forum_member").get(f"/api/v1/votes/{vote.pk}/").json()
    assert before["may_vote"] is True and before["has_voted"] is False
    assert before["electors"] == [
        {
            "capacity": "member",
            "organisation": None,
            "organisation_name": "",
            "has_voted": False,
            "voted_at": None,
            "ballot": None,
        }
    ]
    response = cast(forum, "forum_member", vote, {"choices": [1]})
    assert response.status_code == 201, response.content
    assert response.json() == {"changed": False, "receipt": None, "organisation": None}
    after = api(forum, "forum_member").get(f"/api/v1/votes/{vote.pk}/").json()
    assert after["has_voted"] is True and after["turnout"] == 1
    # An open ballot: the voter sees their own choice.
    assert after["electors"][0]["ballot"] == {"choices": ["Nein"]}
    changed = cast(forum, "forum_member", vote, {"choices": [0]})
    assert changed.status_code == 200 and changed.json()["changed"] is True
    assert api(forum, "forum_member").get(f"/api/v1/votes/{vote.pk}/").json()["electors"][0]["ballot"] == {
        "choices": ["Ja"]
    }
    assert Ballot.objects.filter(vote=vote).count() == 1


def test_ranked_ballot_takes_tiers_of_positions(forum):
    vote = make_vote(forum, method="schulze", options=["A", "B", "C", "D"])
    response = cast(forum, "forum_member", vote, {"ranking": [[2], [0, 3]]})
    assert response.status_code == 201, response.content
    assert Ballot.objects.get(vote=vote).content == [1, 2, 0, 1]
    detail = api(forum, "forum_member").get(f"/api/v1/votes/{vote.pk}/").json()
    assert detail["electors"][0]["ballot"] == {"ranking": [["C"], ["A", "D"], ["B"]]}


@pytest.mark.parametrize(
    ("method", "payload", "field", "message"),
    [
        ("single", {"choices": [7]}, "choices", "gehört nicht zu dieser Abstimmung"),
        ("single", {"choices": [0, 1]}, "choices", "genau eine Option"),
        ("single", {"choices": ["Ja"]}, "choices", None),
        ("single", {}, "choices", "Auswahl"),
        ("approval", {"choices": [1, 1]}, "choices", "nur einmal"),
        ("schulze", {"ranking": [[0], []]}, "ranking", "nicht leer"),
        ("schulze", {"ranking": [[0], [0]]}, "ranking", "nur einmal"),
        ("schulze", {"choices": [0]}, "ranking", "Rangfolge"),
    ],
)
def test_bad_ballot_answers_400_naming_the_field(forum, method, payload, field, message):
    vote = make_vote(forum, method=method, options=["A", "B", "C"])
    response = cast(forum, "forum_member", vote, payload)
    assert response.status_code == 400, response.content
    assert field in response.json(), response.json()
    if message:
        assert message in str(response.json()[field])
    assert not Participation.objects.filter(vote=vote).exists()


def test_ballot_after_the_close_is_refused_with_409_and_says_why(forum):
    vote = make_vote(forum)
    Vote.objects.filter(pk=vote.pk).update(
        opens_at=timezone.now() - datetime.timedelta(hours=2),
        closes_at=timezone.now() - datetime.timedelta(minutes=1),
    )
    response = cast(forum, "forum_member", vote, {"choices": [0]})
    assert response.status_code == 409
    assert "geschlossen; es kann nicht mehr abgestimmt werden" in response.json()["detail"]
    vote.refresh_from_db()
    assert vote.status == "closed"  # looking at it after its time closed it
    assert not Participation.objects.filter(vote=vote).exists()


def test_ballot_before_the_opening_is_refused_with_409(forum):
    vote = make_vote(
        forum,
        opens_at=timezone.now() + datetime.timedelta(days=1),
        closes_at=timezone.now() + datetime.timedelta(days=2),
    )
    response = cast(forum, "forum_member", vote, {"choices": [0]})
    assert response.status_code == 409
    assert "noch nicht geöffnet" in response.json()["detail"]


def test_ballot_from_outside_the_electorate_is_403_where_the_vote_is_visible(forum):
    vote = make_vote(forum)
    response = cast(forum, "steering", vote, {"choices": [0]})
    assert response.status_code == 403
    assert not Participation.objects.filter(vote=vote).exists()


def test_invisible_vote_answers_404_everywhere(forum):
    vote = make_vote(forum)
    client = api(forum, "member")  # a working group member: the forum's own votes are not theirs
    for path in ("", "turnout/", "results/", "export/"):
        assert client.get(f"/api/v1/votes/{vote.pk}/{path}").status_code == 404, path
    assert client.post(f"/api/v1/votes/{vote.pk}/ballot/", {"choices": [0]}, format="json").status_code == 404
    assert client.get("/api/v1/votes/999999/").status_code == 404
    assert client.get("/api/v1/votes/").json()["count"] == 0


def test_unchangeable_ballot_cannot_be_cast_twice(forum):
    vote = make_vote(forum, ballots_changeable=False)
    assert cast(forum, "forum_member", vote, {"choices": [0]}).status_code == 201
    detail = api(forum, "forum_member").get(f"/api/v1/votes/{vote.pk}/").json()
    assert detail["may_vote"] is False and detail["has_voted"] is True
    response = cast(forum, "forum_member", vote, {"choices": [1]})
    assert response.status_code == 409
    assert "nicht geändert werden" in response.json()["detail"]


def test_organisation_votes_once_through_representative_or_deputy(forum):
    vote = make_vote(forum, electorate_kind="organisations")
    organisation = forum.organisation.pk
    detail = api(forum, "deputy").get(f"/api/v1/votes/{vote.pk}/").json()
    assert detail["electorate_size"] == 1
    assert detail["electors"][0]["capacity"] == "deputy"
    assert detail["electors"][0]["organisation"] == organisation
    assert detail["electors"][0]["organisation_name"] == "Kaffeerösterei Plum GmbH"
    first = cast(forum, "representative", vote, {"choices": [0], "organisation": organisation})
    assert first.status_code == 201 and first.json()["organisation"] == organisation
    # Whoever cast first holds the organisation's vote; the other is told who did.
    second = cast(forum, "deputy", vote, {"choices": [1]})
    assert second.status_code == 409 and "bereits abgestimmt" in second.json()["detail"]
    assert Participation.objects.filter(vote=vote).count() == 1
    assert Ballot.objects.get(vote=vote).content == [0]
    # A forum member without an organisation mandate is not in this electorate.
    assert cast(forum, "forum_member", vote, {"choices": [0]}).status_code == 403


def test_turnout_counts_voters_never_names_them(forum):
    vote = make_vote(forum)
    cast(forum, "forum_member", vote, {"choices": [0]})
    cast(forum, "deputy", vote, {"choices": [2]})
    response = api(forum, "steering").get(f"/api/v1/votes/{vote.pk}/turnout/")
    assert response.status_code == 200
    body = response.json()
    assert body["turnout"] == 2 and body["electorate_size"] == 3
    assert body["share"] == pytest.approx(2 / 3)


def test_results_are_403_until_the_close_unless_live(forum):
    hidden = make_vote(forum)
    response = api(forum, "forum_member").get(f"/api/v1/votes/{hidden.pk}/results/")
    assert response.status_code == 403
    assert "erst nach dem Schluss" in response.json()["detail"]
    live = make_vote(forum, results_live=True)
    cast(forum, "forum_member", live, {"choices": [0]})
    body = api(forum, "forum_member").get(f"/api/v1/votes/{live.pk}/results/").json()
    assert body["final"] is False and body["passed"] is None
    assert body["result"]["counts"] == {"Ja": 1, "Nein": 0, "Enthaltung": 0}


def test_results_after_the_close_are_the_stored_ones(forum):
    vote = make_vote(forum, quorum_kind="number", quorum_value=2)
    for role, choice in (("forum_member", 0), ("representative", 0), ("deputy", 1)):
        assert cast(forum, role, vote, {"choices": [choice]}).status_code == 201
    close(vote)
    body = api(forum, "steering").get(f"/api/v1/votes/{vote.pk}/results/").json()
    assert body["final"] is True and body["status"] == "closed"
    assert body["passed"] is True
    assert body["turnout"] == 3
    assert body["result"] == vote.result
    assert body["ballots_sha256"] == vote.ballots_sha256 == vote.result["ballots_sha256"]
    assert body["electorate_sha256"] == vote.electorate_sha256


def test_export_is_the_published_file_and_recounts(forum):
    vote = make_vote(forum, method="approval", options=["A", "B", "C"])
    cast(forum, "forum_member", vote, {"choices": [0, 2]})
    cast(forum, "representative", vote, {"choices": [2, 0]})
    cast(forum, "deputy", vote, {"choices": [1]})
    early = api(forum, "forum_member").get(f"/api/v1/votes/{vote.pk}/export/")
    assert early.status_code == 403 and "erst nach dem Schluss" in early.json()["detail"]
    close(vote)
    response = api(forum, "forum_member").get(f"/api/v1/votes/{vote.pk}/export/")
    assert response.status_code == 200
    assert response["Content-Disposition"] == f'attachment; filename="vote-{vote.pk}.json"'
    document = json.loads(response.content)
    assert document["ballots"] == [{"choices": ["A", "C"], "count": 2}, {"choices": ["B"], "count": 1}]
    assert document["ballots_sha256"] == vote.ballots_sha256
    assert document["electorate_size"] == 3
    parse_export(document)
    refused = api(forum, "steering").get(f"/api/v1/votes/{vote.pk}/export/")
    assert refused.status_code == 403 and "Stimmberechtigten" in refused.json()["detail"]


def test_list_filters_by_status(forum):
    open_vote = make_vote(forum, title="Offen")
    closed_vote = close(make_vote(forum, title="Vorbei"))
    client = api(forum, "forum_member")
    assert {v["id"] for v in client.get("/api/v1/votes/").json()["results"]} == {open_vote.pk, closed_vote.pk}
    assert [v["id"] for v in client.get("/api/v1/votes/?status=open").json()["results"]] == [open_vote.pk]
    assert [v["id"] for v in client.get("/api/v1/votes/?status=closed").json()["results"]] == [closed_vote.pk]
    assert client.get("/api/v1/votes/?status=weird").status_code == 400


def test_vote_list_costs_the_same_queries_for_more_votes(forum, django_assert_max_num_queries):
    client = api(forum, "forum_member")
    make_vote(forum)
    with django_assert_max_num_queries(8) as few:
        client.get("/api/v1/votes/")
    for n in range(5):
        make_vote(forum, title=f"Frage {n}")
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get("/api/v1/votes/")
    assert response.json()["count"] == 6
