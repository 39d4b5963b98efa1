"""Ranked choice counted by the Schulze method (M. Schulze, "A new monotonic, clone-independent,
reversal symmetric, and Condorcet-consistent single-winner election method", Social Choice and
Welfare 36 (2011) 267–303), with winning votes as the strength of a defeat.

- d[i][j]: how many voters rank option i strictly above option j. A voter who leaves options out
  ranks them below every listed one and equal among themselves.
- p[i][j]: the strength of the strongest path from i to j, where a path only uses defeats
  (d[x][y] > d[y][x]) and is as strong as its weakest defeat; 0 if there is none.
- i is better than j when p[i][j] > p[j][i]. This relation is transitive (Schulze, section 4.1).

Ties are stated, never broken. The order is a list of tiers: the first holds every option that no
other option is better than (Schulze's "potential winners"); the next tier is found the same way
among the options left, and so on. A tier of several options is a tie: `winner` is None when the
first tier is tied, and deciding between tied options is left to the vote's rules (a runoff, or
the body that called the vote), because Schulze's own tie-breakers rest on a random ballot that a
recount cannot reproduce. Within a tier the options keep the vote's option order; that order says
nothing about their standing.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from .ballots import check_options, rank_matrix
from .rules import Quorum, QuorumCheck, Tiered, quorum_check


def pairwise_matrix(ranks: np.ndarray, counts: np.ndarray) -> np.ndarray:
    """d (options × options, int64): d[i][j] = the sum of `counts` over ballots with rank i < rank j."""
    size, number = ranks.shape
    weights = counts.astype(np.float64)
    d = np.empty((size, size), dtype=np.float64)
    # One row at a time keeps the comparison buffer at options × ballots instead of cubing it;
    # BLAS then weights and sums it. float64 is exact here: totals are capped at 2**52.
    buffer = np.empty((size, number), dtype=np.float64)
    for option in range(size):
        np.less(ranks[option], ranks, out=buffer)
        d[option] = buffer @ weights
    return d.astype(np.int64)


def strongest_paths(d: np.ndarray) -> np.ndarray:
    """p from d: the widest-path variant of Floyd–Warshall, one vectorised relaxation per option."""
    p = np.where(d > d.T, d, 0)
    for via in range(len(p)):
        np.maximum(p, np.minimum(p[:, via, None], p[None, via, :]), out=p)
    np.fill_diagonal(p, 0)
    return p


def schulze_tiers(p: np.ndarray) -> list[list[int]]:
    """Option indices in tiers, best first: each tier is the options no remaining option beats."""
    better = p > p.T
    remaining = np.ones(len(p), dtype=bool)
    tiers: list[list[int]] = []
    while remaining.any():
        beaten = better[remaining].any(axis=0)
        tier = remaining & ~beaten
        tiers.append([int(index) for index in np.flatnonzero(tier)])
        remaining &= ~tier
    return tiers


@dataclass(frozen=True)
class SchulzeResult(Tiered):
    options: tuple[str, ...]
    ballots: int
    first_preferences: dict[str, int]  # ballots with the option in their first tier
    pairwise: tuple[tuple[int, ...], ...]
    strongest_paths: tuple[tuple[int, ...], ...]
    tiers: tuple[tuple[str, ...], ...]
    quorum: QuorumCheck | None = None
    method: str = field(default="schulze", init=False)

    def as_dict(self) -> dict[str, Any]:
        return {
            "method": self.method,
            "options": list(self.options),
            "ballots": self.ballots,
            "counts": {"first_preferences": dict(self.first_preferences)},
            "order": [list(tier) for tier in self.tiers],
            "winner": self.winner,
            "tied": self.tied,
            "tie_break": "none: tied options share a tier",
            "pairwise": [list(row) for row in self.pairwise],
            "strongest_paths": [list(row) for row in self.strongest_paths],
            "quorum": self.quorum.as_dict() if self.quorum else None,
        }


def count_schulze(
    options: Sequence[str], ballots: Any, *, quorum: Quorum | None = None, electorate: int | None = None
) -> SchulzeResult:
    """Count ranked ballots by the Schulze method; raises BallotError on a bad option or ballot."""
    labels = check_options(options)
    ranks, counts = rank_matrix(labels, ballots)
    d = pairwise_matrix(ranks, counts)
    p = strongest_paths(d)
    # A ballot that ranks every option equal prefers none of them first.
    top = (ranks == 0) & (ranks.max(axis=0) > 0)
    first = top.astype(np.float64) @ counts.astype(np.float64)
    turnout = int(counts.sum())
    return SchulzeResult(
        options=labels,
        ballots=turnout,
        first_preferences={label: int(first[i]) for i, label in enumerate(labels)},
        pairwise=tuple(tuple(int(x) for x in row) for row in d),
        strongest_paths=tuple(tuple(int(x) for x in row) for row in p),
        tiers=tuple(tuple(labels[i] for i in tier) for tier in schulze_tiers(p)),
        quorum=quorum_check(quorum=quorum, turnout=turnout, electorate=electorate),
    )
