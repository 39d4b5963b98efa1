"""The vote pages as people use them: who sees what, the ballot for each method, receipts, results."""

import datetime
import hashlib
import io
import json
import re

import pytest
import time_machine
from django.core.management import call_command
from django.utils import timezone

from tests.factories import OrganisationFactory, UserFactory
from votes.models import Ballot, Participation, Vote
from votes.services import ballot_cast, delegation_set, vote_close, vote_create
from workgroups.models import Role
from workgroups.services import membership_add

DAY = datetime.timedelta(days=1)


def make_vote(world, **fields) -> Vote:
    fields.setdefault("title", "Schwerpunkt 2016")
    fields.setdefault("method", Vote.Method.SINGLE)
    if fields["method"] != Vote.Method.YES_NO_ABSTAIN:
        fields.setdefault("options", ["Fachkräfte", "Innovation", "Kommunikation", "CSR"])
    fields.setdefault("closes_at", timezone.now() + 3 * DAY)
    return vote_create(actor=world.people["steering"], **fields)


def forum_members(world, count: int) -> list:
    people = [UserFactory(email=f"forum{i}@example.org") for i in range(count)]
    for person in people:
        membership_add(body=world.forum, user=person)
    return people


def closed(vote: Vote) -> Vote:
    vote_close(vote=vote, now=vote.closes_at)
    vote.refresh_from_db()
    return vote


def login(client, world, role):
    client.force_login(world.people[role])
    return client


def text(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


# Who sees what ---------------------------------------------------------------------------------

VOTE_VIEWERS = {"steering", "other_steering", "forum_member", "staff", "admin"}


@pytest.mark.parametrize("role", ["outsider", "other_member", "member", *sorted(VOTE_VIEWERS)])
def test_a_vote_is_seen_by_the_forum_and_steering_teams_and_404_for_others(client, world, role):
    vote = closed(make_vote(world, results_live=True))
    login(client, world, role)
    listing = client.get("/votes/")
    assert listing.status_code == 200
    assert (vote.title in text(listing)) == (role in VOTE_VIEWERS)
    for url in (f"/votes/{vote.pk}/", f"/votes/{vote.pk}/results/", f"/votes/{vote.pk}/turnout/"):
        assert client.get(url).status_code == (200 if role in VOTE_VIEWERS else 404), url


def test_anonymous_people_are_sent_to_sign_in(client, world):
    vote = make_vote(world)
    response = client.get(f"/votes/{vote.pk}/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_a_vote_raised_by_a_group_is_seen_by_its_members_too(client, world):
    vote = make_vote(world)
    Vote.objects.filter(pk=vote.pk).update(origin_body=world.group)
    assert login(client, world, "member").get(f"/votes/{vote.pk}/").status_code == 200
    assert login(client, world, "other_member").get(f"/votes/{vote.pk}/").status_code == 404


def test_the_list_shows_open_votes_first_with_their_turnout(client, world):
    voters = forum_members(world, 2)
    past = closed(make_vote(world, title="Vergangene Frage", closes_at=timezone.now() + DAY))
    current = make_vote(world, title="Laufende Frage", closes_at=timezone.now() + 5 * DAY)
    ballot_cast(vote=current, actor=voters[0], choices=[1])
    later = make_vote(
        world,
        title="Geplante Frage",
        opens_at=timezone.now() + DAY,
        closes_at=timezone.now() + 4 * DAY,
    )
    page = text(login(client, world, "forum_member").get("/votes/"))
    assert page.index("Laufende Frage") < page.index("Geplante Frage") < page.index("Vergangene Frage")
    assert "1 von 3" in page  # the open vote: one ballot, three forum members
    assert later.status == Vote.Status.SCHEDULED and past.is_closed


# Creating a vote -------------------------------------------------------------------------------

VOTE_FORM = {
    "title": "Welche Themen zuerst?",
    "description": "",
    "method": "schulze",
    "options": "Fachkräfte\nInnovation\n\nKommunikation\n",
    "electorate_kind": "members",
    "opens_at": "",
    "closes_at": "",
    "quorum_kind": "none",
    "quorum_value": "",
    "threshold": "simple",
    "ballots_changeable": "on",
}


@pytest.mark.parametrize("role", ["steering", "staff"])
def test_steering_members_and_staff_create_a_vote_that_opens_now(client, world, role):
    login(client, world, role)
    assert client.get("/votes/new/").status_code == 200
    closes = timezone.localtime() + 7 * DAY
    response = client.post("/votes/new/", {**VOTE_FORM, "closes_at": closes.strftime("%Y-%m-%dT%H:%M")})
    vote = Vote.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/votes/{vote.pk}/"
    assert vote.is_open and vote.method == "schulze"
    assert list(vote.options.values_list("label", flat=True)) == ["Fachkräfte", "Innovation", "Kommunikation"]
    page = text(client.get(f"/votes/{vote.pk}/"))
    assert "Abstimmung angelegt; sie ist geöffnet." in page
    assert vote.electorate_sha256 in page and "1 Stimmberechtigte(r)" in page


@pytest.mark.parametrize("role", ["forum_member", "member", "chair"])
def test_others_may_not_create_a_vote(client, world, role):
    login(client, world, role)
    assert client.get("/votes/new/").status_code == 403
    assert "Neue Abstimmung" not in text(client.get("/votes/"))


def test_creating_a_vote_with_bad_input_shows_the_form_again_with_the_reason(client, world):
    login(client, world, "steering")
    closes = (timezone.localtime() + DAY).strftime("%Y-%m-%dT%H:%M")
    response = client.post(
        "/votes/new/", {**VOTE_FORM, "options": "Nur eine", "quorum_kind": "share", "closes_at": closes}
    )
    assert response.status_code == 200
    assert "Eine Abstimmung braucht mindestens zwei Optionen." in text(response)
    response = client.post("/votes/new/", {**VOTE_FORM, "quorum_kind": "share", "closes_at": closes})
    assert "Bitte den Wert des Quorums angeben." in text(response)
    past = (timezone.localtime() - DAY).strftime("%Y-%m-%dT%H:%M")
    response = client.post("/votes/new/", {**VOTE_FORM, "closes_at": past})
    assert "Der Schluss der Abstimmung muss in der Zukunft liegen." in text(response)
    opens = (timezone.localtime() + 2 * DAY).strftime("%Y-%m-%dT%H:%M")
    response = client.post("/votes/new/", {**VOTE_FORM, "opens_at": opens, "closes_at": closes})
    assert "Die Abstimmung muss nach ihrer Öffnung schließen." in text(response)
    assert not Vote.objects.exists()


# Casting and changing ballots ------------------------------------------------------------------


def test_a_forum_member_casts_a_single_choice_ballot_and_changes_it(client, world):
    vote = make_vote(world)
    login(client, world, "forum_member")
    page = text(client.get(f"/votes/{vote.pk}/"))
    assert 'type="radio" name="choice" value="2"' in page and "Stimme abgeben" in page
    response = client.post(f"/votes/{vote.pk}/ballot/", {"choice": "2"}, follow=True)
    page = text(response)
    assert "Ihre Stimme ist abgegeben." in page
    assert "Die abgegebene Stimme:" in page and "<li>Kommunikation</li>" in page
    assert 'value="2" required id="id_choice_2" checked' in page  # the form to change it, prefilled
    client.post(f"/votes/{vote.pk}/ballot/", {"choice": "0"})
    assert list(Ballot.objects.values_list("content", flat=True)) == [[0]]
    assert Participation.objects.get().changed_at is not None
    assert "Ihre Stimme wurde geändert." in text(client.get(f"/votes/{vote.pk}/"))


def test_a_ballot_without_a_choice_shows_the_form_again(client, world):
    vote = make_vote(world)
    response = login(client, world, "forum_member").post(f"/votes/{vote.pk}/ballot/", {})
    assert response.status_code == 200
    assert "Bitte eine Option wählen." in text(response)
    assert not Ballot.objects.exists()


def test_approval_ballots_are_checkboxes(client, world):
    vote = make_vote(world, method=Vote.Method.APPROVAL)
    login(client, world, "forum_member")
    assert 'type="checkbox" name="choices"' in text(client.get(f"/votes/{vote.pk}/"))
    client.post(f"/votes/{vote.pk}/ballot/", {"choices": ["3", "1"]})
    assert Ballot.objects.get().content == [1, 3]


def test_yes_no_abstain_shows_the_three_answers(client, world):
    vote = make_vote(world, method=Vote.Method.YES_NO_ABSTAIN)
    login(client, world, "forum_member")
    page = text(client.get(f"/votes/{vote.pk}/"))
    assert all(f"> {label}</label>" in page for label in ("Ja", "Nein", "Enthaltung"))
    client.post(f"/votes/{vote.pk}/ballot/", {"choice": "1"})
    assert Ballot.objects.get().content == [1]


def test_a_ranked_ballot_posts_rank_numbers_equal_ones_tied_empty_ones_left_out(client, world):
    vote = make_vote(world, method=Vote.Method.SCHULZE)
    login(client, world, "forum_member")
    page = text(client.get(f"/votes/{vote.pk}/"))
    assert page.count("nach oben") >= 4 and 'name="rank_3"' in page
    ranks = {"rank_0": "2", "rank_1": "", "rank_2": "1", "rank_3": "2"}
    response = client.post(f"/votes/{vote.pk}/ballot/", ranks, follow=True)
    assert "Ihre Stimme ist abgegeben." in text(response)
    # Kommunikation first, Fachkräfte and CSR equal, Innovation left out (below all).
    assert Ballot.objects.get().content == [1, 2, 0, 1]
    page = text(response)
    assert "<li>Kommunikation</li><li>Fachkräfte = CSR</li>" in page
    assert "Nicht eingeordnet: Innovation" in page
    # Changing it starts from the stored ranking.
    assert re.search(r'name="rank_2" id="id_rank_2">.*?value="1" selected', page)


def test_a_ranked_ballot_needs_at_least_one_option_ranked(client, world):
    vote = make_vote(world, method=Vote.Method.SCHULZE)
    empty = {f"rank_{p}": "" for p in range(4)}
    response = login(client, world, "forum_member").post(f"/votes/{vote.pk}/ballot/", empty)
    assert "Bitte mindestens eine Option einordnen." in text(response)
    assert not Ballot.objects.exists()


def test_without_javascript_the_move_buttons_rearrange_the_ballot_and_cast_nothing(client, world):
    vote = make_vote(world, method=Vote.Method.SCHULZE)
    login(client, world, "forum_member")
    empty = {f"rank_{p}": "" for p in range(4)}
    response = client.post(f"/votes/{vote.pk}/ballot/", {**empty, "move": "2:up"})
    assert response.status_code == 200
    page = text(response)
    labels = re.findall(r'<span class="ranking-label">([^<]+)</span>', page)
    assert labels[0] == "Kommunikation"
    assert re.search(r'name="rank_2" id="id_rank_2">.*?value="1" selected', page)
    assert re.search(r'value="2:up" class="move" autofocus', page)  # the keyboard carries on there
    assert not Ballot.objects.exists() and not Participation.objects.exists()


def test_casting_through_htmx_answers_with_the_ballot_area_and_updates_the_turnout(client, world):
    vote = make_vote(world)
    login(client, world, "forum_member")
    response = client.post(f"/votes/{vote.pk}/ballot/", {"choice": "1"}, headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert response["HX-Trigger"] == "ballot-cast"
    page = text(response)
    assert page.lstrip().startswith('<section id="ballot"')
    assert "Ihre Stimme ist abgegeben." in page and "data-ballot-confirmation" in page
    turnout = text(client.get(f"/votes/{vote.pk}/turnout/", headers={"HX-Request": "true"}))
    assert "1 von 1" in turnout and 'hx-trigger="every 5s' in turnout


def test_people_outside_the_electorate_are_told_so_and_may_not_post(client, world):
    vote = make_vote(world)
    login(client, world, "staff")
    page = text(client.get(f"/votes/{vote.pk}/"))
    assert "Sie sind bei dieser Abstimmung nicht stimmberechtigt." in page and "Stimme abgeben" not in page
    assert client.post(f"/votes/{vote.pk}/ballot/", {"choice": "1"}).status_code == 403
    assert not Ballot.objects.exists()


def test_a_ballot_that_may_not_be_changed_has_no_form_after_casting(client, world):
    vote = make_vote(world, ballots_changeable=False)
    login(client, world, "forum_member")
    client.post(f"/votes/{vote.pk}/ballot/", {"choice": "1"})
    page = text(client.get(f"/votes/{vote.pk}/"))
    assert "Bei dieser Abstimmung kann die Stimme nicht geändert werden." in page
    assert "Stimme ändern</button>" not in page
    response = client.post(f"/votes/{vote.pk}/ballot/", {"choice": "2"})
    assert "kann sie nicht geändert werden" in text(response)
    assert Ballot.objects.get().content == [1]


# Secret ballots and receipts --------------------------------------------------------------------


def test_a_secret_ballot_shows_its_receipt_once_and_the_receipt_changes_it(client, world):
    vote = make_vote(world, secret=True)
    login(client, world, "forum_member")
    response = client.post(f"/votes/{vote.pk}/ballot/", {"choice": "1"})
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    page = text(response)
    receipt = re.search(r"data-receipt>([A-Z2-7-]+)<", page).group(1)
    assert "nur dieses eine Mal angezeigt" in page and "receipts" in page
    ballot = Ballot.objects.get()
    assert ballot.elector_id is None and ballot.content == [1]
    assert receipt not in text(client.get(f"/votes/{vote.pk}/"))  # shown once

    page = text(client.get(f"/votes/{vote.pk}/"))
    assert "Beleg-Code Ihrer Stimmabgabe" in page
    response = client.post(f"/votes/{vote.pk}/ballot/", {"choice": "2"})
    assert "Bitte den Beleg-Code Ihrer ersten Stimmabgabe angeben." in text(response)
    response = client.post(f"/votes/{vote.pk}/ballot/", {"choice": "2", "receipt": "AAAA-BBBB-CCCC-DDDD"})
    assert "Dieser Beleg-Code passt zu keinem Stimmzettel dieser Abstimmung." in text(response)
    assert Ballot.objects.get().content == [1]

    response = client.post(
        f"/votes/{vote.pk}/ballot/", {"choice": "2", "receipt": receipt.lower()}, follow=True
    )
    assert "Ihre Stimme wurde geändert." in text(response)
    assert Ballot.objects.get().content == [2] and Ballot.objects.count() == 1

    closed(vote)
    export = json.loads(client.get(f"/votes/{vote.pk}/export.json").content)
    expected = hashlib.sha256(receipt.replace("-", "").upper().encode()).hexdigest()
    assert [entry["sha256"] for entry in export["receipts"]] == [expected]


def test_no_page_links_a_secret_ballot_to_its_voter(client, world):
    vote = make_vote(world, secret=True)
    login(client, world, "forum_member")
    client.post(f"/votes/{vote.pk}/ballot/", {"choice": "3"})
    ballot = Ballot.objects.get()
    closed(vote)
    for role in ("forum_member", "admin", "staff"):
        login(client, world, role)
        for url in (f"/votes/{vote.pk}/", f"/votes/{vote.pk}/results/", f"/votes/{vote.pk}/export.json"):
            body = client.get(url).content.decode()
            assert str(ballot.id) not in body and ballot.receipt_sha256 not in body or url.endswith(".json")
    # The forum member's own page says that they voted, not what.
    page = text(login(client, world, "forum_member").get(f"/votes/{vote.pk}/"))
    assert "Sie haben am" in page and "Die abgegebene Stimme" not in page


# After the close --------------------------------------------------------------------------------


def test_a_ballot_after_the_close_is_refused_with_a_clear_message(client, world):
    vote = make_vote(world)
    login(client, world, "forum_member")
    page = text(client.get(f"/votes/{vote.pk}/"))  # the page is loaded while the vote is open …
    assert "Stimme abgeben" in page
    with time_machine.travel(vote.closes_at + datetime.timedelta(minutes=5)):
        response = client.post(f"/votes/{vote.pk}/ballot/", {"choice": "1"})  # … and posted after the close
    assert response.status_code == 200
    page = text(response)
    assert "es kann nicht mehr abgestimmt werden" in page and "data-ballot-error" in page
    assert not Ballot.objects.exists()
    vote.refresh_from_db()
    assert vote.is_closed and vote.close_reason == Vote.CloseReason.ON_READ


def test_the_turnout_stops_polling_once_the_vote_is_closed(client, world):
    vote = make_vote(world)
    login(client, world, "forum_member")
    assert "hx-trigger" in text(client.get(f"/votes/{vote.pk}/turnout/"))
    with time_machine.travel(vote.closes_at + datetime.timedelta(seconds=1)):
        page = text(client.get(f"/votes/{vote.pk}/turnout/"))
    assert "hx-trigger" not in page and "Die Abstimmung ist jetzt geschlossen." in page


def test_results_are_hidden_until_the_close_unless_the_vote_shows_them_live(client, world):
    hidden = make_vote(world, title="Ohne Zwischenstand")
    live = make_vote(world, title="Mit Zwischenstand", results_live=True)
    login(client, world, "forum_member")
    client.post(f"/votes/{hidden.pk}/ballot/", {"choice": "1"})
    client.post(f"/votes/{live.pk}/ballot/", {"choice": "1"})
    assert client.get(f"/votes/{hidden.pk}/results/").status_code == 404
    assert "Zwischenstand ansehen" not in text(client.get(f"/votes/{hidden.pk}/"))
    page = text(client.get(f"/votes/{live.pk}/results/"))
    assert "Vorläufig" in page and re.search(r'data-option="Innovation">.*?data-count>1<', page)
    closed(hidden)
    page = text(client.get(f"/votes/{hidden.pk}/results/"))
    assert "Gezählt und gespeichert" in page and "vorn: Innovation" in page


def test_yes_no_results_show_turnout_quorum_threshold_and_outcome(client, world):
    voters = forum_members(world, 3)
    vote = make_vote(
        world, method=Vote.Method.YES_NO_ABSTAIN, quorum_kind="share", quorum_value=50, threshold="two_thirds"
    )
    for voter, choice in zip(voters, [0, 0, 1], strict=True):
        ballot_cast(vote=vote, actor=voter, choices=[choice])
    closed(vote)
    page = text(login(client, world, "forum_member").get(f"/votes/{vote.pk}/results/"))
    assert "3 von 4 Stimmberechtigten (75,0 %)" in page
    assert "erreicht (nötig: 2 Stimmen)" in page
    assert "Zwei-Drittel-Mehrheit: erreicht" in page
    assert re.search(r"data-result-outcome><strong> angenommen", page)
    assert '<meter class="bar" min="0" max="3" value="2"' in page
    assert vote.ballots_sha256 in page


def test_schulze_results_show_the_order_with_ties_the_pairwise_table_and_strongest_paths(client, world):
    voters = forum_members(world, 4)
    vote = make_vote(world, method=Vote.Method.SCHULZE, options=["A", "B", "C"])
    for voter, ranking in zip(voters, [[[0], [1]], [[1], [0]], [[0, 1], [2]], [[2]]], strict=True):
        ballot_cast(vote=vote, actor=voter, ranking=ranking)
    closed(vote)
    page = text(login(client, world, "forum_member").get(f"/votes/{vote.pk}/results/"))
    assert "Rangfolge nach der Schulze-Methode" in page
    assert "A = B" in page and "gleichauf" in page and "Gleichstände werden nicht aufgelöst" in page
    assert 'data-matrix="pairwise"' in page and 'data-matrix="strongest-paths"' in page
    pairwise = vote.result["pairwise"]
    row_a = re.search(r'data-matrix="pairwise".*?<th scope="row">A</th>(.*?)</tr>', page).group(1)
    assert re.findall(r"<td[^>]*>(?:<strong>)?(\d+)", row_a) == [str(pairwise[0][1]), str(pairwise[0][2])]


# Export ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "allowed"),
    [("forum_member", True), ("staff", True), ("admin", True), ("steering", False), ("outsider", False)],
)
def test_the_ballots_download_after_the_close_for_the_electorate_staff_and_admins(
    client, world, role, allowed
):
    vote = make_vote(world)
    ballot_cast(vote=vote, actor=world.people["forum_member"], choices=[2])
    login(client, world, role)
    assert client.get(f"/votes/{vote.pk}/export.json").status_code == 404  # not before the close
    closed(vote)
    response = client.get(f"/votes/{vote.pk}/export.json")
    assert response.status_code == (200 if allowed else 404)
    page = text(client.get(f"/votes/{vote.pk}/")) if role != "outsider" else ""
    assert ("Stimmzettel herunterladen" in page) == allowed
    if allowed:
        assert response["Content-Type"].startswith("application/json")
        assert response["Content-Disposition"] == f'attachment; filename="vote-{vote.pk}.json"'
        document = json.loads(response.content)
        assert document["ballots"] == [{"count": 1, "choices": ["Kommunikation"]}]
        assert document["ballots_sha256"] == vote.ballots_sha256


def test_the_downloaded_export_of_a_secret_vote_recounts_to_the_stored_result(client, world, tmp_path):
    voters = forum_members(world, 3)
    vote = make_vote(world, method=Vote.Method.SCHULZE, secret=True)
    for voter, ranking in zip(voters, [[[0], [1]], [[1], [2]], [[0], [2], [3]]], strict=True):
        ballot_cast(vote=vote, actor=voter, ranking=ranking)
    closed(vote)
    path = tmp_path / "abstimmung.json"
    path.write_bytes(login(client, world, "forum_member").get(f"/votes/{vote.pk}/export.json").content)
    out = io.StringIO()
    call_command("vote_recount", str(path), "--json", stdout=out)
    recount = json.loads(out.getvalue())
    assert recount["order"] == vote.result["order"] and recount["pairwise"] == vote.result["pairwise"]
    assert recount["ballots_sha256"] == vote.ballots_sha256


# Organisation votes -----------------------------------------------------------------------------


def test_an_organisation_vote_says_for_whom_the_representative_or_deputy_casts(client, world):
    firm = OrganisationFactory(name="Aquis Präzisionsteile GmbH")
    representative = UserFactory(email="rep@example.org", organisation=firm, first_name="Rita")
    deputy = UserFactory(email="dep@example.org", organisation=firm, first_name="Dieter")
    for person in (representative, deputy):
        membership_add(body=world.forum, user=person, role=Role.MEMBER)
    delegation_set(
        actor=world.people["staff"], organisation=firm, representative=representative, deputy=deputy
    )
    vote = make_vote(world, electorate_kind=Vote.ElectorateKind.ORGANISATIONS)

    client.force_login(representative)
    page = text(client.get(f"/votes/{vote.pk}/"))
    assert "Sie stimmen für <strong>Aquis Präzisionsteile GmbH</strong>, als deren Vertretung" in page
    client.post(f"/votes/{vote.pk}/ballot/", {"choice": "0"})

    client.force_login(deputy)
    page = text(client.get(f"/votes/{vote.pk}/"))
    assert "als deren Stellvertretung" in page
    assert f"{representative} hat am" in page and "für Aquis Präzisionsteile GmbH abgestimmt" in page
    # Whoever cast first holds the organisation's vote: the deputy is told, nothing changes.
    response = client.post(f"/votes/{vote.pk}/ballot/", {"choice": "3"}, follow=True)
    assert "bereits abgestimmt" in text(response)
    assert Ballot.objects.get().content == [0]
    assert (
        login(client, world, "forum_member").post(f"/votes/{vote.pk}/ballot/", {"choice": "1"}).status_code
        == 403
    )


@pytest.mark.parametrize("method", list(Vote.Method.values))
def test_results_of_a_vote_nobody_voted_in_still_show(client, world, method):
    live = make_vote(world, method=method, results_live=True, title="Live")
    past = closed(make_vote(world, method=method, title="Leer"))
    login(client, world, "forum_member")
    assert "0 von 1 Stimmberechtigten" in text(client.get(f"/votes/{live.pk}/results/"))
    page = text(client.get(f"/votes/{past.pk}/results/"))
    assert "0 von 1 Stimmberechtigten" in page
    assert ("abgelehnt" in page) if method == Vote.Method.YES_NO_ABSTAIN else ("keine Stimmen" in page)


def test_a_scheduled_vote_says_when_it_opens_and_has_no_ballot_yet(client, world):
    vote = make_vote(world, opens_at=timezone.now() + DAY)
    login(client, world, "forum_member")
    page = text(client.get(f"/votes/{vote.pk}/"))
    assert "Die Abstimmung öffnet am" in page and "Stimme abgeben" not in page
    assert "Fingerabdruck" not in page  # the electorate is frozen only when it opens
    response = client.post(f"/votes/{vote.pk}/ballot/", {"choice": "1"})
    assert response.status_code == 403  # nobody is in an electorate that does not exist yet
    with time_machine.travel(vote.opens_at + datetime.timedelta(minutes=1)):
        page = text(client.get(f"/votes/{vote.pk}/"))
    assert "Stimme abgeben" in page and "Fingerabdruck" in page
