"""Slow, plain counts written straight from the definitions, to check the fast ones against.

Schulze as the paper states it (section 2; the Floyd–Warshall form of section 2.3), one voter
and one pair at a time; no numpy, no shortcuts.
"""


def ranks_of(ballot: dict, options: list[str]) -> dict[str, int]:
    rank = {}
    for level, tier in enumerate(ballot["ranking"]):
        for label in tier:
            rank[label] = level
    bottom = len(ballot["ranking"])
    return {label: rank.get(label, bottom) for label in options}


def reference_pairwise(options: list[str], ballots: list[dict]) -> list[list[int]]:
    d = [[0] * len(options) for _ in options]
    for ballot in ballots:
        rank = ranks_of(ballot, options)
        for i, a in enumerate(options):
            for j, b in enumerate(options):
                if rank[a] < rank[b]:
                    d[i][j] += ballot["count"]
    return d


def reference_strongest_paths(d: list[list[int]]) -> list[list[int]]:
    n = len(d)
    p = [[0] * n for _ in range(n)]
    for i in range(n):
        for j in range(n):
            if i != j and d[i][j] > d[j][i]:
                p[i][j] = d[i][j]
    for k in range(n):
        for i in range(n):
            if i == k:
                continue
            for j in range(n):
                if j != k and j != i:
                    p[i][j] = max(p[i][j], min(p[i][k], p[k][j]))
    return p


def reference_tiers(options: list[str], p: list[list[int]]) -> list[list[str]]:
    remaining = list(range(len(options)))
    tiers = []
    while remaining:
        winners = [x for x in remaining if all(p[x][y] >= p[y][x] for y in remaining if y != x)]
        tiers.append([options[x] for x in winners])
        remaining = [x for x in remaining if x not in winners]
    return tiers


def reference_schulze(options: list[str], ballots: list[dict]) -> tuple[list, list, list]:
    d = reference_pairwise(options, ballots)
    p = reference_strongest_paths(d)
    return d, p, reference_tiers(options, p)


def reference_votes(options: list[str], ballots: list[dict]) -> dict[str, int]:
    votes = {label: 0 for label in options}
    for ballot in ballots:
        for _ in range(ballot["count"]):
            for label in ballot["choices"]:
                votes[label] += 1
    return votes
