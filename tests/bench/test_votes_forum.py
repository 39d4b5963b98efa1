"""bench/votes_forum.py and bench/votes_count.py at a tiny size, so that `make bench` cannot rot:
the endpoint the ballots go to, the bulk ballots a vote is closed with, the recount of its export."""

import importlib.util
import json
import random
import sys
from pathlib import Path

import pytest

from votes.models import Ballot, Participation
from votes.services import vote_export

BENCH = Path(__file__).resolve().parents[2] / "bench"


def bench_module(name: str):
    # The scripts import their siblings (run, votes_count) by name; at the end of the path, the
    # apps come first (bench/notifications.py must not stand in for the notifications app).
    if str(BENCH) not in sys.path:
        sys.path.append(str(BENCH))
    spec = importlib.util.spec_from_file_location(f"bench_{name}", BENCH / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


forum = bench_module("votes_forum")
count_bench = bench_module("votes_count")


def client_send(client):
    """The benchmark's `send`, answered by Django's test client instead of gunicorn."""

    def send(method: str, path: str, headers: dict, body: bytes):
        response = client.generic(
            method,
            path,
            body,
            content_type=headers["Content-Type"],
            headers={"Authorization": headers["Authorization"], "Accept": headers["Accept"]},
        )
        return forum.Reply(response.status_code, list(response.items()), response.content)

    return send


@pytest.mark.django_db
@pytest.mark.urls("tests.bench.urls")
def test_every_voter_casts_one_secret_ballot_with_their_api_key(client):
    with forum.deliveries_unpublished([]):
        staff, keys = forum.voters_create(5)
        vote = forum.vote_new(staff, "Benchmark", secret=True)
    labels = count_bench.option_labels(forum.OPTIONS)
    ballots = count_bench.random_ballots(len(keys), labels, random.Random(1))
    jobs = list(zip(range(len(keys)), keys, forum.position_rankings(ballots, labels), strict=True))

    casting = forum.cast(client_send(client), vote.pk, jobs, clients=1)

    assert casting.sample.errors == []
    assert sorted(casting.acknowledged) == [0, 1, 2, 3, 4]
    checks = forum.cast_checks(vote, ballots, casting.acknowledged)
    assert checks["one_ballot_per_voter"] and checks["tally_equals_acknowledged_ballots"]
    assert Ballot.objects.filter(vote=vote, elector__isnull=True).exclude(receipt_sha256="").count() == 5


@pytest.mark.django_db
@pytest.mark.urls("tests.bench.urls")
def test_a_ballot_with_an_unknown_api_key_is_refused(client):
    with forum.deliveries_unpublished([]):
        staff, _keys = forum.voters_create(1)
        vote = forum.vote_new(staff, "Benchmark", secret=True)

    casting = forum.cast(client_send(client), vote.pk, [(0, "not-a-key", [[0]])], clients=1)

    assert casting.acknowledged == []
    assert casting.sample.errors[0].startswith("HTTP 403")
    assert not Participation.objects.filter(vote=vote).exists()


@pytest.mark.django_db
def test_a_closed_vote_with_bulk_ballots_recounts_to_its_stored_result(tmp_path):
    with forum.deliveries_unpublished([]):
        staff, _keys = forum.voters_create(8)
        vote = forum.vote_new(staff, "Benchmark", secret=False)
    ballots = forum.ballots_fill(vote)

    run = forum.close_timed(vote)

    # Each phase still names a function that vote_close calls.
    assert set(run["phases_s"]) == {"read_ballots", "count", "hash", "notify"}
    vote.refresh_from_db()
    assert vote.result["turnout"] == len(ballots) == 8
    path = tmp_path / "export.json"
    path.write_text(json.dumps(vote_export(vote), ensure_ascii=False), encoding="utf-8")
    recount = count_bench.measure(path, runs=1, process_runs=0)
    recount["checks"] = forum.recount_checks(vote, path)
    assert recount["agrees_with_plain_reference"]
    assert all(recount["checks"].values())
    result = {
        "database": "sqlite",
        "config": forum.run_config(),
        "casting": forum.casting_summary(forum.Casting(), 8) | {"checks": {}},
        "closing": forum.closing_summary([run], len(ballots)),
        "recount": recount,
    }
    assert forum.failures(result) == []
    assert "aim 35 ms reached" in forum.table(result)
