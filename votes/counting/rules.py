"""When a vote passes: the pass threshold and the quorum, in exact integer arithmetic.

- Threshold: the share of yes among yes + no. Abstentions count for the quorum, not here.
  A simple majority needs more than half (a tie does not pass); two-thirds needs at least two
  thirds (exactly two thirds passes). Nobody voting yes or no passes nothing.
- Quorum: the minimum turnout, as a share of the electorate or as a number of voters.
  Turnout exactly at the quorum meets it.
- Passed (`pass_failures`, `result_passed`; the platform's stored "passed" and the recount both
  use them): the quorum, if there is one, is met, and for yes/no/abstain the threshold is met,
  for the other methods one option alone is in first place (a tie passes nothing).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from fractions import Fraction
from typing import TYPE_CHECKING, Any

from .ballots import VoteDataError

if TYPE_CHECKING:
    from . import Result


@dataclass(frozen=True)
class Threshold:
    key: str
    share: Fraction
    inclusive: bool  # whether a result exactly at the share passes

    def met(self, *, yes: int, no: int) -> bool:
        decided = yes + no
        if decided == 0:
            return False
        # yes / decided against share, cross-multiplied so no float ever rounds a tie away.
        lhs, rhs = yes * self.share.denominator, self.share.numerator * decided
        return lhs >= rhs if self.inclusive else lhs > rhs

    def describe(self) -> str:
        word = "at least" if self.inclusive else "more than"
        return f"{word} {self.share} of yes + no"

    @classmethod
    def parse(cls, key: Any) -> Threshold:
        """The threshold named `key` ("simple" or "two_thirds"); raises VoteDataError."""
        if isinstance(key, str) and key in THRESHOLDS:
            return THRESHOLDS[key]
        known = ", ".join(THRESHOLDS)
        raise VoteDataError(f"unknown threshold {key!r} (known: {known})", code="threshold")


SIMPLE_MAJORITY = Threshold("simple", Fraction(1, 2), inclusive=False)
TWO_THIRDS = Threshold("two_thirds", Fraction(2, 3), inclusive=True)
THRESHOLDS = {threshold.key: threshold for threshold in (SIMPLE_MAJORITY, TWO_THIRDS)}


def threshold_met(*, yes: int, no: int, threshold: Threshold = SIMPLE_MAJORITY) -> bool:
    """Whether `yes` out of `yes + no` reaches the threshold (ties handled as the threshold says)."""
    if min(yes, no) < 0:
        raise VoteDataError("vote counts cannot be negative", code="negative")
    return threshold.met(yes=yes, no=no)


@dataclass(frozen=True)
class Quorum:
    """Minimum turnout: `share` of the electorate, or `minimum` voters (exactly one of the two)."""

    share: Fraction | None = None
    minimum: int | None = None

    def __post_init__(self) -> None:
        if (self.share is None) == (self.minimum is None):
            raise VoteDataError("a quorum is either a share of the electorate or a number", code="quorum")
        if self.share is not None and not 0 < self.share <= 1:
            raise VoteDataError(f"a quorum share lies in (0, 1], got {self.share}", code="quorum")
        if self.minimum is not None and (type(self.minimum) is not int or self.minimum < 0):
            raise VoteDataError(f"a quorum number is a whole number ≥ 0, got {self.minimum!r}", code="quorum")

    @classmethod
    def parse(cls, text: str) -> Quorum:
        """ "50%", "1/2" or "0.5" is a share of the electorate; "30" is a number of voters."""
        raw = text.strip()
        if re.fullmatch(r"\d+", raw):
            return cls(minimum=int(raw))
        try:
            if re.fullmatch(r"\d+(\.\d+)?%", raw):
                return cls(share=Fraction(raw[:-1]) / 100)
            if re.fullmatch(r"\d+/\d+|\d*\.\d+", raw):
                return cls(share=Fraction(raw))
        except ZeroDivisionError:
            pass
        raise VoteDataError(
            f'a quorum is a share ("50%", "1/2", "0.5") or a number of voters ("30"), got {text!r}',
            code="quorum",
        )

    def required(self, electorate: int | None) -> Fraction:
        """The turnout that meets the quorum (may be fractional: 1/2 of 51 voters is 25.5)."""
        if self.minimum is not None:
            return Fraction(self.minimum)
        if electorate is None:
            raise VoteDataError("a quorum share needs the size of the electorate", code="electorate_missing")
        return self.share * electorate

    def describe(self) -> str:
        return f"{self.minimum} voters" if self.minimum is not None else f"{self.share} of the electorate"


@dataclass(frozen=True)
class QuorumCheck:
    quorum: Quorum
    turnout: int
    electorate: int | None
    required: Fraction
    met: bool

    def as_dict(self) -> dict[str, Any]:
        return {
            "rule": self.quorum.describe(),
            "turnout": self.turnout,
            "electorate": self.electorate,
            "required": str(self.required),
            "met": self.met,
        }


def quorum_check(*, quorum: Quorum | None, turnout: int, electorate: int | None) -> QuorumCheck | None:
    """Whether `turnout` voters meet `quorum` (exactly at it counts as met); None without a quorum.

    Raises VoteDataError when the turnout cannot come from the electorate."""
    if electorate is not None and (type(electorate) is not int or electorate < 0):
        raise VoteDataError(f"the electorate is a whole number ≥ 0, got {electorate!r}", code="electorate")
    if turnout < 0:
        raise VoteDataError("turnout cannot be negative", code="negative")
    if electorate is not None and turnout > electorate:
        raise VoteDataError(
            f"{turnout} ballots from an electorate of {electorate}: more ballots than voters",
            code="turnout_over_electorate",
        )
    if quorum is None:
        return None
    required = quorum.required(electorate)
    return QuorumCheck(
        quorum=quorum, turnout=turnout, electorate=electorate, required=required, met=turnout >= required
    )


class Tiered:
    """Winner and ties of a result whose `tiers` order the options, best first, equals together."""

    tiers: tuple[tuple[str, ...], ...]

    @property
    def winner(self) -> str | None:
        """The single best option, or None when several share the first tier."""
        return self.tiers[0][0] if len(self.tiers[0]) == 1 else None

    @property
    def tied(self) -> bool:
        return any(len(tier) > 1 for tier in self.tiers)


def pass_failures(result: Result) -> list[str]:
    """Why a counted vote did not pass, in words; empty when it passed. The one rule for "passed":
    the quorum, if any, is met; yes/no/abstain: the threshold is met; the other methods: a single
    winner (one option alone in first place)."""
    failures = []
    if result.quorum is not None and not result.quorum.met:
        failures.append("quorum not met")
    if result.method == "yes_no_abstain":
        if not result.threshold_met:
            failures.append("threshold not met")
    elif result.winner is None:
        failures.append("no single winner: a tie for first place")
    return failures


def result_passed(result: Result) -> bool:
    """Whether a counted vote passed (see `pass_failures`)."""
    return not pass_failures(result)
