"""The counting core of forum votes: pure functions from options and ballots to a result.

No database and no request: the platform, when a vote closes, and `manage.py vote_recount`,
on a published export, count with these same functions. See `ballots` for the ballot format,
`choices` and `schulze` for the methods, `rules` for threshold, quorum and when a vote passed.
"""

from __future__ import annotations

from collections.abc import Sequence
from enum import StrEnum
from typing import Any

from .ballots import BallotError, VoteDataError
from .choices import ChoiceResult, YesNoAbstainResult, count_approval, count_single, count_yes_no_abstain
from .rules import (
    SIMPLE_MAJORITY,
    THRESHOLDS,
    TWO_THIRDS,
    Quorum,
    QuorumCheck,
    Threshold,
    pass_failures,
    quorum_check,
    result_passed,
    threshold_met,
)
from .schulze import SchulzeResult, count_schulze, pairwise_matrix, schulze_tiers, strongest_paths


class Method(StrEnum):
    YES_NO_ABSTAIN = "yes_no_abstain"
    SINGLE = "single"
    APPROVAL = "approval"
    SCHULZE = "schulze"

    @property
    def ranked(self) -> bool:
        return self is Method.SCHULZE

    @classmethod
    def parse(cls, value: Any) -> Method:
        try:
            return cls(value)
        except ValueError:
            known = ", ".join(method.value for method in cls)
            raise VoteDataError(f"unknown method {value!r} (known: {known})", code="method") from None


Result = YesNoAbstainResult | ChoiceResult | SchulzeResult


def count(
    method: Method | str,
    options: Sequence[str],
    ballots: Any,
    *,
    threshold: Threshold = SIMPLE_MAJORITY,
    quorum: Quorum | None = None,
    electorate: int | None = None,
) -> Result:
    """Count `ballots` by `method`; raises VoteDataError (BallotError for a ballot) on bad input.

    `threshold` only applies to yes/no/abstain; `electorate` is needed for a quorum share."""
    method = Method.parse(method)
    if method is Method.YES_NO_ABSTAIN:
        return count_yes_no_abstain(
            options, ballots, threshold=threshold, quorum=quorum, electorate=electorate
        )
    counter = {Method.SINGLE: count_single, Method.APPROVAL: count_approval, Method.SCHULZE: count_schulze}
    return counter[method](options, ballots, quorum=quorum, electorate=electorate)


__all__ = [
    "SIMPLE_MAJORITY",
    "THRESHOLDS",
    "TWO_THIRDS",
    "BallotError",
    "ChoiceResult",
    "Method",
    "Quorum",
    "QuorumCheck",
    "Result",
    "SchulzeResult",
    "Threshold",
    "VoteDataError",
    "YesNoAbstainResult",
    "count",
    "count_approval",
    "count_schulze",
    "count_single",
    "count_yes_no_abstain",
    "pairwise_matrix",
    "pass_failures",
    "quorum_check",
    "result_passed",
    "schulze_tiers",
    "strongest_paths",
    "threshold_met",
]
