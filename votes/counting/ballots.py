"""Options and ballots as the export carries them, checked strictly before anything is counted.

A ballot is `{"count": n, "choices": [label, ...]}` (yes/no/abstain, single choice, approval) or
`{"count": n, "ranking": [[label, ...], ...]}` (Schulze: tiers, best first). `count` says how many
voters cast exactly this ballot, so identical ballots travel once.

Messages are for the person who checks a file (English, like the export's keys); `code` and
`ballot` let a page say the same thing in its own words.

Ranked ballots are checked on a fast path (whole-list passes in C: `map`, `list.extend`, numpy)
because the Schulze count of 10,000 ballots has a 35 ms budget; only when that path sees
something wrong does the plain per-ballot check run, to name the first problem exactly.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Sequence
from operator import itemgetter
from typing import Any

import numpy as np

# Large enough for any electorate; small enough that every sum stays exact in float64 (2**53).
MAX_COUNT = 10**9
MAX_TOTAL = 2**52
CHOICE_KEYS = frozenset({"count", "choices"})
RANKING_KEYS = frozenset({"count", "ranking"})


class VoteDataError(ValueError):
    """Input that cannot be counted; the message names what is wrong in one line."""

    def __init__(self, message: str, *, code: str, ballot: int | None = None):
        self.code = code
        self.ballot = ballot
        super().__init__(f"ballot {ballot}: {message}" if ballot is not None else message)


class BallotError(VoteDataError):
    """A ballot (1-based `ballot`) or the option list that ballots are checked against is unusable."""


def check_options(options: Any, *, exactly: int | None = None) -> tuple[str, ...]:
    """The option labels as a tuple; raises BallotError unless they are distinct, non-empty strings."""
    if not isinstance(options, list | tuple):
        raise BallotError("options must be a list of labels", code="options_type")
    labels = tuple(options)
    for label in labels:
        if not isinstance(label, str) or not label.strip():
            raise BallotError(f"option label {label!r} is not a non-empty string", code="option_label")
    seen: set[str] = set()
    for label in labels:
        if label in seen:
            raise BallotError(f"option {label!r} is listed twice", code="option_duplicate")
        seen.add(label)
    if exactly is not None and len(labels) != exactly:
        raise BallotError(
            f"this method takes exactly {exactly} options, got {len(labels)}", code="option_number"
        )
    if len(labels) < 2:
        raise BallotError("a vote needs at least two options", code="option_number")
    return labels


def _check_count(count: Any, number: int) -> int:
    if type(count) is not int or not 1 <= count <= MAX_COUNT:
        raise BallotError(
            f"count must be a whole number from 1 to {MAX_COUNT}, got {count!r}", code="count", ballot=number
        )
    return count


def _check_ballot_shape(ballot: Any, keys: frozenset[str], number: int) -> None:
    field = "choices" if "choices" in keys else "ranking"
    if not isinstance(ballot, dict):
        raise BallotError(
            f'a ballot is an object {{"count": n, "{field}": [...]}}', code="shape", ballot=number
        )
    if ballot.keys() != keys:
        missing = sorted(keys - ballot.keys())
        extra = sorted(ballot.keys() - keys)
        parts = [f"missing {', '.join(missing)}"] if missing else []
        parts += [f"unexpected {', '.join(map(str, extra))}"] if extra else []
        raise BallotError(
            f'a ballot has exactly the keys "count" and "{field}" ({"; ".join(parts)})',
            code="shape",
            ballot=number,
        )
    _check_count(ballot["count"], number)
    if type(ballot[field]) is not list:
        raise BallotError(f"{field} must be a list", code="shape", ballot=number)


def _check_labels(labels: Any, index: dict[str, int], seen: set[str], number: int) -> None:
    for label in labels:
        if not isinstance(label, str):
            raise BallotError(f"{label!r} is not an option label", code="label_type", ballot=number)
        if label not in index:
            raise BallotError(f"unknown option {label!r}", code="unknown_label", ballot=number)
        if label in seen:
            raise BallotError(f"option {label!r} appears twice", code="duplicate_label", ballot=number)
        seen.add(label)


def _check_total(total: int) -> int:
    if total > MAX_TOTAL:
        raise BallotError("the counts add up to more than can be counted exactly", code="total")
    return total


def choice_counts(options: Sequence[str], ballots: Any, *, exactly_one: bool) -> tuple[dict[str, int], int]:
    """Votes per option (in option order) and the number of voters; raises BallotError on a bad ballot."""
    if not isinstance(ballots, list):
        raise BallotError("ballots must be a list", code="ballots_type")
    index = {label: position for position, label in enumerate(options)}
    votes = dict.fromkeys(options, 0)
    total = 0
    for number, ballot in enumerate(ballots, start=1):
        _check_ballot_shape(ballot, CHOICE_KEYS, number)
        choices = ballot["choices"]
        _check_labels(choices, index, set(), number)
        if exactly_one and len(choices) != 1:
            raise BallotError(
                f"this method takes exactly one choice per ballot, got {len(choices)}",
                code="choice_number",
                ballot=number,
            )
        count = ballot["count"]
        total += count
        for label in choices:
            votes[label] += count
    return votes, _check_total(total)


def check_ranked_ballot(ballot: Any, index: dict[str, int], number: int) -> None:
    """The plain check of one ranked ballot; raises BallotError naming its first problem."""
    _check_ballot_shape(ballot, RANKING_KEYS, number)
    seen: set[str] = set()
    for tier in ballot["ranking"]:
        if type(tier) is not list:
            raise BallotError(
                "a ranking is a list of tiers, each a list of labels", code="tier_type", ballot=number
            )
        if not tier:
            raise BallotError("a ranking has an empty tier", code="empty_tier", ballot=number)
        _check_labels(tier, index, seen, number)


def _explain(ballots: list, index: dict[str, int]) -> BallotError:
    for number, ballot in enumerate(ballots, start=1):
        try:
            check_ranked_ballot(ballot, index, number)
        except BallotError as error:
            return error
    # The fast path and the plain check disagree: a bug here, never a reason to count anyway.
    return BallotError("the ballots could not be read", code="unreadable")


def _flatten(lists: list[list]) -> list:
    # list.extend per item measured about twice as fast as itertools.chain here.
    flat: list = []
    deque(map(flat.extend, lists), maxlen=0)
    return flat


def _positions(labels: list, index: dict[str, int]) -> np.ndarray:
    """Each label's option index; KeyError for an unknown label, TypeError for an unhashable one."""
    return np.fromiter(map(index.__getitem__, labels), dtype=np.int64, count=len(labels))


def rank_matrix(options: Sequence[str], ballots: Any) -> tuple[np.ndarray, np.ndarray]:
    """Ranks (options × ballots, lower is better, left-out options share the rank after the last
    tier) and the counts; raises BallotError naming the first bad ballot."""
    if not isinstance(ballots, list):
        raise BallotError("ballots must be a list", code="ballots_type")
    index = {label: position for position, label in enumerate(options)}
    size = len(options)
    number = len(ballots)
    # Each step below is one pass in C over a flat list; a TypeError or KeyError on the way
    # (a ballot that is not an object, a tier that is not a list, an unknown label) means
    # "something is wrong", and the plain check then says what and where.
    try:
        if ballots and set(map(dict.__len__, ballots)) != {2}:
            raise _explain(ballots, index)
        counts = list(map(itemgetter("count"), ballots))
        rankings = list(map(itemgetter("ranking"), ballots))
        if rankings and set(map(type, rankings)) != {list}:
            raise _explain(ballots, index)
        tiers = _flatten(rankings)
        tier_sizes = np.fromiter(map(list.__len__, tiers), dtype=np.int64, count=len(tiers))
        positions = _positions(_flatten(tiers), index)
    except (KeyError, TypeError):
        raise _explain(ballots, index) from None
    if counts and (set(map(type, counts)) != {int} or not 1 <= min(counts) <= max(counts) <= MAX_COUNT):
        raise _explain(ballots, index)
    if tier_sizes.size and tier_sizes.min() == 0:
        raise _explain(ballots, index)
    tier_numbers = np.fromiter(map(len, rankings), dtype=np.int64, count=len(rankings))

    ballot_of_tier = np.repeat(np.arange(number), tier_numbers)
    first_tier = np.cumsum(tier_numbers) - tier_numbers
    level_of_tier = np.arange(len(tiers)) - np.repeat(first_tier, tier_numbers)
    ballot_of_label = np.repeat(ballot_of_tier, tier_sizes)
    cells = ballot_of_label * size + positions
    if cells.size and np.bincount(cells, minlength=number * size).max() > 1:
        raise _explain(ballots, index)

    dtype = np.int8 if size < 127 else np.int32
    ranks = np.empty((size, number), dtype=dtype)
    ranks[:] = tier_numbers  # left-out options: one level below the ballot's last tier
    ranks[positions, ballot_of_label] = np.repeat(level_of_tier, tier_sizes)
    count_array = np.array(counts, dtype=np.int64)
    _check_total(int(count_array.sum()))
    return ranks, count_array
