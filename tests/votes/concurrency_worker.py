"""The processes of the votes concurrency tests: each its own OS process with its own connection.

Every cast runs in a transaction of its own, as a request does; while that transaction still holds
its locks, the caster notes `time.monotonic_ns()` (one clock for all processes of the machine).
Casts for one elector lock the same Participation row, so these stamps order them as their
commits are ordered: the highest stamp is the ballot that must remain.
"""

import os
import time


def _setup(database_url: str) -> None:
    os.environ["DATABASE_URL"] = database_url
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.test_settings"
    import django

    django.setup()


def _cast(vote, actor, kwargs: dict, *, hold=None) -> tuple:
    """("ok", changed, stamp, receipt) or ("refused", reason, None, None) or ("error", repr, ...)."""
    from django.db import transaction

    from core.errors import DomainError
    from votes.services import ballot_cast

    try:
        with transaction.atomic():
            result = ballot_cast(vote=vote, actor=actor, **kwargs)
            stamp = time.monotonic_ns()
            if hold is not None:
                hold()
    except DomainError as error:
        return ("refused", error.reason, None, None)
    except Exception as error:  # reported, so that the test shows it instead of hanging
        return ("error", repr(error), None, None)
    return ("ok", result.changed, stamp, result.receipt)


def cast_rounds(database_url: str, worker: int, vote_id: int, jobs: list, barrier, results) -> None:
    """Round by round, cast `jobs[i] = (voter_id, kwargs)`; every worker starts round i together."""
    _setup(database_url)
    from accounts.models import User
    from votes.models import Vote

    for voter_id, kwargs in jobs:
        vote, actor = Vote.objects.get(pk=vote_id), User.objects.get(pk=voter_id)
        barrier.wait(timeout=60)
        results.put((voter_id, worker, kwargs, *_cast(vote, actor, kwargs)))


def cast_until_closed(
    database_url: str, worker: int, vote_id: int, jobs: list, reserve: tuple, closed, results
) -> None:
    """Cast `jobs` one after the other, as fast as they go; if none was refused, wait until the
    vote is closed and cast `reserve`. Ends with ("done", worker)."""
    _setup(database_url)
    from accounts.models import User
    from votes.models import Vote

    refused = False
    for voter_id, kwargs in jobs:
        outcome = _cast(Vote.objects.get(pk=vote_id), User.objects.get(pk=voter_id), kwargs)
        refused |= outcome[0] == "refused"
        results.put((voter_id, worker, kwargs, *outcome))
    if not refused:
        closed.wait(timeout=120)
        voter_id, kwargs = reserve
        outcome = _cast(Vote.objects.get(pk=vote_id), User.objects.get(pk=voter_id), kwargs)
        results.put((voter_id, worker, kwargs, *outcome))
    results.put(("done", worker))


def cast_and_hold(database_url: str, worker: int, vote_id: int, job: tuple, release, results) -> None:
    """Cast `job` and keep its transaction open (announcing "holding") until `release` is set."""
    _setup(database_url)
    from accounts.models import User
    from votes.models import Vote

    voter_id, kwargs = job

    def hold() -> None:
        results.put(("holding", worker))
        if not release.wait(timeout=120):
            raise RuntimeError("never released")

    vote, actor = Vote.objects.get(pk=vote_id), User.objects.get(pk=voter_id)
    results.put((voter_id, worker, kwargs, *_cast(vote, actor, kwargs, hold=hold)))
    results.put(("done", worker))


def close_when_told(database_url: str, worker: int, vote_id: int, start, results) -> None:
    """When `start` is set, close the vote as the scheduled task does at the closing time."""
    _setup(database_url)
    from votes.models import Vote
    from votes.services import vote_close

    start.wait(timeout=120)
    vote = Vote.objects.get(pk=vote_id)
    try:
        closed = vote_close(vote=vote, now=vote.closes_at)
    except Exception as error:
        results.put(("closer", worker, repr(error)))
    else:
        results.put(("closer", worker, closed))
    results.put(("done", worker))
