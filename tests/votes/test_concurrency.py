"""On PostgreSQL: ballots cast at the same moment by real parallel processes, and a close racing
with them. Exactly one ballot (and one Participation) per voter remains, the tally is the ground
truth, and the close counts exactly the ballots committed before it."""

import multiprocessing
import random
from collections import Counter, defaultdict

import pytest
from django.db import connection

from notifications.models import Notification
from tests import support
from tests.votes.test_services import electorate, vote_new
from votes import counting
from votes.export import canonical_ballots
from votes.models import Ballot, Participation, Vote
from votes.services import ballot_cast, ballot_content, vote_ballots, vote_close, vote_labels

from .concurrency_worker import cast_and_hold, cast_rounds, cast_until_closed, close_when_told

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]

THEMES = ["Fachkräfte", "Innovation", "Kommunikation", "CSR"]
VOTERS, WORKERS = 50, 4  # 200 ballots: each voter four times at once, each time a different one
SECRET_REFUSED = "Die Stimme ist bereits abgegeben. Zum Ändern bitte den Beleg-Code der Stimmabgabe angeben."
FIXED_REFUSED = "Die Stimme ist abgegeben; bei dieser Abstimmung kann sie nicht geändert werden."
CLOSED_REFUSED = "geschlossen; es kann nicht mehr abgestimmt werden."


def random_ballot(method: str, rng: random.Random) -> dict:
    positions = list(range(len(THEMES)))
    if method == "approval":
        return {"choices": sorted(rng.sample(positions, rng.randint(0, len(positions))))}
    if method in ("single", "yes_no_abstain"):
        return {"choices": [rng.randrange(3 if method == "yes_no_abstain" else len(positions))]}
    rng.shuffle(positions)
    listed = positions[: rng.randint(1, len(positions))]
    ranking: list[list[int]] = []
    for position in listed:
        if ranking and rng.random() < 0.3:
            ranking[-1].append(position)
        else:
            ranking.append([position])
    return {"ranking": ranking}


def distinct_ballots(method: str, rng: random.Random, count: int) -> list[dict]:
    """`count` different ballots (so that the ballot that remains tells which cast it was)."""
    found: list[dict] = []
    while len(found) < count:
        ballot = random_ballot(method, rng)
        if ballot not in found:
            found.append(ballot)
    return found


def labelled(vote: Vote, kwargs: dict) -> dict:
    labels = vote_labels(vote)
    if "ranking" in kwargs:
        return {"count": 1, "ranking": [[labels[p] for p in tier] for tier in kwargs["ranking"]]}
    return {"count": 1, "choices": [labels[p] for p in kwargs["choices"]]}


def run(target, argsets: list[tuple], expected: int) -> list[tuple]:
    """Start one process per argument set (each gets the results queue last) and collect
    `expected` results."""
    context = multiprocessing.get_context("spawn")
    results = context.Queue()
    processes = [context.Process(target=target, args=(*args, results)) for args in argsets]
    for process in processes:
        process.start()
    outcomes = [results.get(timeout=180) for _ in range(expected)]
    for process in processes:
        process.join(timeout=60)
        assert process.exitcode == 0
    return outcomes


def cast_in_rounds(vote: Vote, jobs_per_worker: list[list]) -> dict[int, list[tuple]]:
    """Every worker casts its i-th job at the same moment as the others; outcomes per voter."""
    barrier = multiprocessing.get_context("spawn").Barrier(len(jobs_per_worker))
    url = support.test_database_url()
    outcomes = run(
        cast_rounds,
        [(url, worker, vote.pk, jobs, barrier) for worker, jobs in enumerate(jobs_per_worker)],
        sum(map(len, jobs_per_worker)),
    )
    by_voter: dict[int, list[tuple]] = defaultdict(list)
    for voter_id, worker, kwargs, outcome, detail, stamp, receipt in outcomes:
        assert outcome != "error", detail
        by_voter[voter_id].append((worker, kwargs, outcome, detail, stamp, receipt))
    return by_voter


def last_accepted(casts: list[tuple]) -> dict:
    """The ground truth of one voter: their accepted cast that committed last."""
    accepted = [(stamp, kwargs) for _, kwargs, outcome, _, stamp, _ in casts if outcome == "ok"]
    return max(accepted, key=lambda entry: entry[0])[1]


def assert_tally_is(vote: Vote, truth: dict[int, dict]) -> None:
    """One ballot and one Participation per voter remain, and the count is that of `truth`."""
    assert Participation.objects.filter(vote=vote).count() == len(truth)
    assert Participation.objects.filter(vote=vote).values("elector").distinct().count() == len(truth)
    assert set(Participation.objects.filter(vote=vote).values_list("elector__user", flat=True)) == set(truth)
    assert Ballot.objects.filter(vote=vote).count() == len(truth)
    labels = vote_labels(vote)
    expected = [labelled(vote, kwargs) for kwargs in truth.values()]
    assert canonical_ballots(vote.method, labels, vote_ballots(vote)) == canonical_ballots(
        vote.method, labels, expected
    )
    assert vote_close(vote=vote, now=vote.closes_at)
    vote.refresh_from_db()
    plain = counting.count(vote.method, labels, expected).as_dict()
    assert {key: vote.result[key] for key in plain} == plain
    assert vote.result["turnout"] == len(truth)


def test_open_ballots_cast_four_times_at_once_by_50_voters_leave_each_voters_last(world):
    assert connection.vendor == "postgresql"
    people = electorate(world, VOTERS)
    vote = vote_new(world, method="schulze", options=THEMES)
    rng = random.Random(9)
    ballots = {person.pk: distinct_ballots("schulze", rng, WORKERS) for person in people}
    jobs = [[(person.pk, ballots[person.pk][w]) for person in people] for w in range(WORKERS)]

    by_voter = cast_in_rounds(vote, jobs)

    truth = {}
    for person in people:
        casts = by_voter[person.pk]
        # Ballots may be changed: each of the four is accepted, the first as a new one.
        assert sorted(outcome for _, _, outcome, *_ in casts) == ["ok"] * WORKERS, casts
        assert sorted(changed for _, _, _, changed, *_ in casts) == [False, True, True, True]
        truth[person.pk] = last_accepted(casts)
        stored = Ballot.objects.get(vote=vote, elector__user=person).content
        assert stored == ballot_content(vote, option_count=len(THEMES), **truth[person.pk])
    assert_tally_is(vote, truth)


def test_secret_ballots_cast_at_once_keep_the_first_and_later_changes_need_the_receipt(world):
    people = electorate(world, VOTERS)
    vote = vote_new(world, method="approval", options=THEMES, secret=True)
    rng = random.Random(10)
    ballots = {person.pk: distinct_ballots("approval", rng, 2 * WORKERS) for person in people}
    first_wave = [[(person.pk, ballots[person.pk][w]) for person in people] for w in range(WORKERS)]

    by_voter = cast_in_rounds(vote, first_wave)

    receipts, truth = {}, {}
    for person in people:
        casts = by_voter[person.pk]
        (winner,) = [cast for cast in casts if cast[2] == "ok"]
        assert sorted(detail for _, _, outcome, detail, *_ in casts if outcome == "refused") == [
            SECRET_REFUSED
        ] * (WORKERS - 1)
        assert winner[3] is False and winner[5]  # a new ballot, with its receipt
        receipts[person.pk] = winner[5]
        truth[person.pk] = winner[1]
    assert sorted(Ballot.objects.filter(vote=vote).values_list("elector", flat=True).distinct()) == [None]

    # Second wave: with the receipt, four changes of each ballot at once; the last one stays.
    second_wave = [
        [
            (person.pk, {**ballots[person.pk][WORKERS + w], "receipt": receipts[person.pk]})
            for person in people
        ]
        for w in range(WORKERS)
    ]
    by_voter = cast_in_rounds(vote, second_wave)
    for person in people:
        casts = by_voter[person.pk]
        assert [outcome for _, _, outcome, *_ in casts] == ["ok"] * WORKERS, casts
        last = last_accepted(casts)
        truth[person.pk] = {"choices": last["choices"]}
    assert_tally_is(vote, truth)


def test_ballots_that_may_not_be_changed_cast_at_once_keep_exactly_the_first(world):
    people = electorate(world, VOTERS)
    vote = vote_new(world, method="single", options=THEMES, ballots_changeable=False)
    rng = random.Random(11)
    ballots = {person.pk: distinct_ballots("single", rng, WORKERS) for person in people}
    jobs = [[(person.pk, ballots[person.pk][w]) for person in people] for w in range(WORKERS)]

    by_voter = cast_in_rounds(vote, jobs)

    truth = {}
    for person in people:
        casts = by_voter[person.pk]
        (winner,) = [cast for cast in casts if cast[2] == "ok"]
        refused = [detail for _, _, outcome, detail, *_ in casts if outcome == "refused"]
        assert refused == [FIXED_REFUSED] * (WORKERS - 1)
        truth[person.pk] = winner[1]
        stored = Ballot.objects.get(vote=vote, elector__user=person).content
        assert stored == winner[1]["choices"]
    assert_tally_is(vote, truth)


def _closer_waiting() -> bool:
    """Whether a transaction is waiting for the row lock to close the vote."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
            "AND wait_event_type = 'Lock' AND query LIKE %s",
            ["%votes_vote%FOR UPDATE%"],
        )
        return cursor.fetchone()[0] > 0


def test_a_close_racing_with_casts_counts_exactly_the_ballots_committed_before_it(world):
    casters, per_caster = 3, 20
    people = electorate(world, casters * (per_caster + 1) + 1)
    vote = vote_new(world)
    rng = random.Random(12)
    jobs = [(person.pk, random_ballot("yes_no_abstain", rng)) for person in people]
    holder_job, reserves, jobs = jobs[0], jobs[1 : casters + 1], jobs[casters + 1 :]
    context = multiprocessing.get_context("spawn")
    results = context.Queue()
    start, release, closed = context.Event(), context.Event(), context.Event()
    url = support.test_database_url()
    processes = [
        context.Process(
            target=cast_until_closed,
            args=(url, c, vote.pk, jobs[c::casters], reserves[c], closed, results),
        )
        for c in range(casters)
    ]
    processes.append(
        context.Process(target=cast_and_hold, args=(url, "holder", vote.pk, holder_job, release, results))
    )
    processes.append(context.Process(target=close_when_told, args=(url, "closer", vote.pk, start, results)))
    for process in processes:
        process.start()

    casts, closer, holding, done = [], [], False, 0

    def read() -> None:
        nonlocal holding, done
        message = results.get(timeout=180)
        if message[0] == "holding":
            holding = True
        elif message[0] == "done":
            done += 1
        elif message[0] == "closer":
            closer.append(message[2])
            closed.set()
        else:
            casts.append(message)

    # Casts are going on, and one of them holds its transaction open: now the close begins.
    while not (holding and sum(c[3] == "ok" for c in casts) >= 10):
        read()
    start.set()
    support.wait_for(_closer_waiting, timeout=60, message="the close to wait for the open cast")
    release.set()
    while done < len(processes):
        read()
    for process in processes:
        process.join(timeout=60)
        assert process.exitcode == 0

    assert closer == [True]
    assert not [c for c in casts if c[3] == "error"], casts
    accepted = {voter_id: kwargs for voter_id, _, kwargs, outcome, *_ in casts if outcome == "ok"}
    refused = [detail for _, _, _, outcome, detail, *_ in casts if outcome == "refused"]
    assert holder_job[0] in accepted  # committed while the close waited: counted
    assert len(refused) >= casters
    assert all(detail.endswith(CLOSED_REFUSED) for detail in refused), refused
    assert max(Counter(c[0] for c in casts).values()) == 1  # each voter cast once
    vote.refresh_from_db()
    assert vote.status == "closed"
    assert vote.result["turnout"] == len(accepted)
    assert set(Participation.objects.filter(vote=vote).values_list("elector__user", flat=True)) == set(
        accepted
    )
    expected = Counter(vote_labels(vote)[kwargs["choices"][0]] for kwargs in accepted.values())
    assert vote.result["counts"] == {label: expected[label] for label in vote_labels(vote)}


def test_two_closes_at_once_store_the_result_once_and_tell_everyone_once(world):
    people = electorate(world, 5)
    vote = vote_new(world)
    context = multiprocessing.get_context("spawn")
    start = context.Event()
    url = support.test_database_url()
    for person in people[:3]:
        ballot_cast(vote=vote, actor=person, choices=[0])

    def go(argsets):
        results = context.Queue()
        processes = [context.Process(target=close_when_told, args=(*args, results)) for args in argsets]
        for process in processes:
            process.start()
        start.set()
        messages = [results.get(timeout=180) for _ in range(2 * len(processes))]
        for process in processes:
            process.join(timeout=60)
        return sorted(m[2] for m in messages if m[0] == "closer")

    assert go([(url, 1, vote.pk, start), (url, 2, vote.pk, start)]) == [False, True]
    vote.refresh_from_db()
    assert vote.result["turnout"] == 3
    closed = Notification.objects.filter(kind="vote_closed", subject_id=vote.pk)
    assert sorted(closed.values_list("recipient", flat=True)) == sorted(p.pk for p in people)
