"""Yes/no/abstain, single choice and approval: one count per option.

- yes_no_abstain: exactly three options, in the order yes, no, abstain (e.g. "Ja", "Nein",
  "Enthaltung"); each ballot makes exactly one choice. Whether it passed: the threshold on yes
  against yes + no, and the quorum if the vote has one.
- single: each ballot makes exactly one choice.
- approval: each ballot approves any number of distinct options, none included (that voter
  still counts for the turnout).

The order is a list of tiers by votes, most first; options with equal votes share a tier and
keep the vote's option order inside it. `winner` is None when the first tier is a tie.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from .ballots import check_options, choice_counts
from .rules import SIMPLE_MAJORITY, Quorum, QuorumCheck, Threshold, Tiered, quorum_check, result_passed


def tiers_by_votes(votes: dict[str, int]) -> tuple[tuple[str, ...], ...]:
    """Options grouped by equal votes, most votes first, option order within a tier."""
    levels = sorted(set(votes.values()), reverse=True)
    return tuple(tuple(label for label, value in votes.items() if value == level) for level in levels)


@dataclass(frozen=True)
class ChoiceResult(Tiered):
    method: str
    options: tuple[str, ...]
    ballots: int
    votes: dict[str, int]
    tiers: tuple[tuple[str, ...], ...]
    quorum: QuorumCheck | None = None

    def as_dict(self) -> dict[str, Any]:
        return {
            "method": self.method,
            "options": list(self.options),
            "ballots": self.ballots,
            "counts": dict(self.votes),
            "order": [list(tier) for tier in self.tiers],
            "winner": self.winner,
            "tied": self.tied,
            "quorum": self.quorum.as_dict() if self.quorum else None,
        }


@dataclass(frozen=True)
class YesNoAbstainResult:
    options: tuple[str, str, str]
    ballots: int
    yes: int
    no: int
    abstain: int
    threshold: Threshold
    threshold_met: bool
    quorum: QuorumCheck | None = None
    method: str = "yes_no_abstain"

    @property
    def votes(self) -> dict[str, int]:
        return dict(zip(self.options, (self.yes, self.no, self.abstain), strict=True))

    @property
    def passed(self) -> bool:
        return result_passed(self)

    def as_dict(self) -> dict[str, Any]:
        return {
            "method": self.method,
            "options": list(self.options),
            "ballots": self.ballots,
            "counts": self.votes,
            "threshold": {
                "rule": self.threshold.key,
                "description": self.threshold.describe(),
                "met": self.threshold_met,
            },
            "quorum": self.quorum.as_dict() if self.quorum else None,
            "passed": self.passed,
        }


def count_yes_no_abstain(
    options: Sequence[str],
    ballots: Any,
    *,
    threshold: Threshold = SIMPLE_MAJORITY,
    quorum: Quorum | None = None,
    electorate: int | None = None,
) -> YesNoAbstainResult:
    """Count yes/no/abstain ballots and decide whether the motion passed; raises BallotError."""
    labels = check_options(options, exactly=3)
    votes, turnout = choice_counts(labels, ballots, exactly_one=True)
    yes, no, abstain = (votes[label] for label in labels)
    return YesNoAbstainResult(
        options=labels,  # type: ignore[arg-type]
        ballots=turnout,
        yes=yes,
        no=no,
        abstain=abstain,
        threshold=threshold,
        threshold_met=threshold.met(yes=yes, no=no),
        quorum=quorum_check(quorum=quorum, turnout=turnout, electorate=electorate),
    )


def count_single(
    options: Sequence[str], ballots: Any, *, quorum: Quorum | None = None, electorate: int | None = None
) -> ChoiceResult:
    """Count single-choice ballots (one option each); raises BallotError."""
    return _count_choices("single", options, ballots, quorum, electorate, exactly_one=True)


def count_approval(
    options: Sequence[str], ballots: Any, *, quorum: Quorum | None = None, electorate: int | None = None
) -> ChoiceResult:
    """Count approval ballots (any number of distinct options each); raises BallotError."""
    return _count_choices("approval", options, ballots, quorum, electorate, exactly_one=False)


def _count_choices(
    method: str,
    options: Sequence[str],
    ballots: Any,
    quorum: Quorum | None,
    electorate: int | None,
    *,
    exactly_one: bool,
) -> ChoiceResult:
    labels = check_options(options)
    votes, turnout = choice_counts(labels, ballots, exactly_one=exactly_one)
    return ChoiceResult(
        method=method,
        options=labels,
        ballots=turnout,
        votes=votes,
        tiers=tiers_by_votes(votes),
        quorum=quorum_check(quorum=quorum, turnout=turnout, electorate=electorate),
    )
