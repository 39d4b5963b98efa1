"""The published, anonymised ballots of a vote: one JSON document, its strict reading, its hash.

    {"vote": "<title>", "method": "yes_no_abstain" | "single" | "approval" | "schulze",
     "options": ["<label>", ...],
     "ballots": [{"count": n, "ranking": [["<label>", ...], ...]}, ...]   (schulze)
     "ballots": [{"count": n, "choices": ["<label>", ...]}, ...]          (the others)
     "electorate_size": n, "electorate_sha256": "<hex>", "ballots_sha256": "<hex>",  (optional)
     "receipts": ["<hex>", ...]}  (optional; secret votes: SHA-256 of each receipt code)

A ranking is a list of tiers, best first; options in one tier are ranked equal, options left
out rank below every listed one. For yes_no_abstain the options are yes, no, abstain in this
order. Any other key is an error.

ballots_sha256 identifies the ballot set, whatever the order or grouping of the file:
1. each ballot in canonical form: choices sorted; each tier of a ranking sorted, and a last tier
   dropped when it holds exactly the options no earlier tier lists (it says what leaving them
   out says); labels sort by Unicode code point;
2. identical canonical ballots merged, their counts added;
3. ballots sorted by the canonical JSON of their "choices"/"ranking" value;
4. SHA-256 (hex) of the canonical JSON of that list of {"count", "choices"/"ranking"} objects.
Canonical JSON: UTF-8, keys sorted, no whitespace (separators "," and ":"), non-ASCII
characters written as themselves.
"""

from __future__ import annotations

import gc
import hashlib
import json
import re
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from votes.counting import SIMPLE_MAJORITY, Method, Quorum, Result, Threshold, VoteDataError, count
from votes.counting.ballots import check_options, choice_counts, rank_matrix

REQUIRED_KEYS = ("vote", "method", "options", "ballots")
OPTIONAL_KEYS = ("electorate_size", "electorate_sha256", "ballots_sha256", "receipts")
SHA256_HEX = re.compile(r"[0-9a-f]{64}")
_CANONICAL = json.JSONEncoder(ensure_ascii=False, sort_keys=True, separators=(",", ":"))


class ExportError(VoteDataError):
    """The export document itself (not one ballot) is unusable."""


def canonical_json(value: Any) -> str:
    return _CANONICAL.encode(value)


@dataclass(frozen=True)
class VoteExport:
    title: str
    method: Method
    options: tuple[str, ...]
    ballots: list[Any]  # checked when counted
    electorate_size: int | None = None
    electorate_sha256: str | None = None
    ballots_sha256: str | None = None


def parse_export(data: Any) -> VoteExport:
    """The export's envelope read strictly; raises ExportError. Ballots are checked by `count_export`."""
    if not isinstance(data, dict):
        raise ExportError("an export is a JSON object", code="export_type")
    missing = [key for key in REQUIRED_KEYS if key not in data]
    if missing:
        raise ExportError(f"missing key(s): {', '.join(missing)}", code="export_missing")
    unknown = sorted(str(key) for key in data if key not in REQUIRED_KEYS + OPTIONAL_KEYS)
    if unknown:
        raise ExportError(f"unknown key(s): {', '.join(unknown)}", code="export_unknown")
    title = data["vote"]
    if not isinstance(title, str) or not title.strip():
        raise ExportError('"vote" must be the title of the vote (a non-empty string)', code="export_title")
    method = Method.parse(data["method"])
    options = check_options(data["options"], exactly=3 if method is Method.YES_NO_ABSTAIN else None)
    if not isinstance(data["ballots"], list):
        raise ExportError('"ballots" must be a list', code="export_ballots")
    electorate_size = data.get("electorate_size")
    if electorate_size is not None and (type(electorate_size) is not int or electorate_size < 0):
        raise ExportError(
            f'"electorate_size" must be a whole number ≥ 0, got {electorate_size!r}', code="export_electorate"
        )
    for key in ("electorate_sha256", "ballots_sha256"):
        value = data.get(key)
        if value is not None and (not isinstance(value, str) or not SHA256_HEX.fullmatch(value)):
            raise ExportError(f'"{key}" must be 64 lowercase hex digits', code="export_hash")
    receipts = data.get("receipts")
    if receipts is not None and (
        not isinstance(receipts, list)
        or not all(isinstance(value, str) and SHA256_HEX.fullmatch(value) for value in receipts)
    ):
        raise ExportError('"receipts" must be a list of 64 lowercase hex digits each', code="export_receipts")
    return VoteExport(
        title=title,
        method=method,
        options=options,
        ballots=data["ballots"],
        electorate_size=electorate_size,
        electorate_sha256=data.get("electorate_sha256"),
        ballots_sha256=data.get("ballots_sha256"),
    )


def load_export(path: str | Path) -> VoteExport:
    """Read and parse an export file; raises ExportError for an unreadable file or bad JSON."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise ExportError(
            f"cannot read the file: {getattr(error, 'strerror', None) or error}", code="file"
        ) from None
    try:
        with _collector_paused():
            data = json.loads(text)
    except json.JSONDecodeError as error:
        raise ExportError(
            f"not valid JSON: {error.msg} (line {error.lineno}, column {error.colno})", code="json"
        ) from None
    except RecursionError:
        raise ExportError("not valid JSON: nested too deeply", code="json") from None
    return parse_export(data)


def check_ballots(method: Method | str, options: Sequence[str], ballots: Any) -> None:
    """Raise BallotError unless every ballot is valid for `method` and `options`."""
    method = Method.parse(method)
    labels = check_options(options, exactly=3 if method is Method.YES_NO_ABSTAIN else None)
    if method.ranked:
        rank_matrix(labels, ballots)
    else:
        choice_counts(labels, ballots, exactly_one=method is not Method.APPROVAL)


@contextmanager
def _collector_paused() -> Iterator[None]:
    # Reading a file or canonicalising its ballots builds hundreds of thousands of lists that
    # cannot form cycles; the cycle collector would walk them over and over (json.loads of a
    # 10,000-ballot file measured five times slower with it running).
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def canonical_content(method: Method, options: Sequence[str], content: list) -> list:
    """One ballot's choices or ranking in canonical form (see the module docstring)."""
    if not method.ranked:
        return sorted(content)
    tiers = [tier if len(tier) == 1 else sorted(tier) for tier in content]
    if tiers and len(tiers[-1]) == len(options) - sum(map(len, tiers[:-1])):
        tiers.pop()
    return tiers


def _merged(method: Method | str, options: Sequence[str], ballots: Any) -> tuple[str, dict[str, int]]:
    """The ballot field and, per canonical content (as canonical JSON), the summed count."""
    method = Method.parse(method)
    check_ballots(method, options, ballots)
    field = "ranking" if method.ranked else "choices"
    merged: dict[str, int] = {}
    with _collector_paused():
        for ballot in ballots:
            key = canonical_json(canonical_content(method, options, ballot[field]))
            merged[key] = merged.get(key, 0) + ballot["count"]
    return field, merged


def canonical_ballots(method: Method | str, options: Sequence[str], ballots: Any) -> list[dict[str, Any]]:
    """The ballot set in canonical form (see the module docstring); raises BallotError."""
    field, merged = _merged(method, options, ballots)
    with _collector_paused():
        return [{"count": merged[key], field: json.loads(key)} for key in sorted(merged)]


def ballots_sha256(method: Method | str, options: Sequence[str], ballots: Any) -> str:
    """SHA-256 (hex) of the canonical ballot set; the platform and the recount both use this."""
    field, merged = _merged(method, options, ballots)
    # The canonical JSON of canonical_ballots(), written from the keys without parsing them
    # back ("choices" sorts before "count", "count" before "ranking").
    if field == "ranking":
        entries = [f'{{"count":{merged[key]},"ranking":{key}}}' for key in sorted(merged)]
    else:
        entries = [f'{{"choices":{key},"count":{merged[key]}}}' for key in sorted(merged)]
    return hashlib.sha256(("[" + ",".join(entries) + "]").encode("utf-8")).hexdigest()


def build_export(
    *,
    title: str,
    method: Method | str,
    options: Sequence[str],
    ballots: list[dict[str, Any]],
    electorate_size: int | None = None,
    electorate_sha256: str | None = None,
) -> dict[str, Any]:
    """The export document with its ballots_sha256, ballots in canonical form; raises VoteDataError."""
    method = Method.parse(method)
    document: dict[str, Any] = {
        "vote": title,
        "method": method.value,
        "options": list(options),
        "ballots": canonical_ballots(method, options, ballots),
    }
    if electorate_size is not None:
        document["electorate_size"] = electorate_size
    if electorate_sha256 is not None:
        document["electorate_sha256"] = electorate_sha256
    document["ballots_sha256"] = ballots_sha256(method, options, document["ballots"])
    parse_export(document)
    return document


@dataclass(frozen=True)
class Recount:
    export: VoteExport
    result: Result
    ballots_sha256: str  # computed from the ballots
    hash_checked: bool  # whether the file stated a ballots_sha256 (it then matched)


def count_export(
    export: VoteExport, *, threshold: Threshold = SIMPLE_MAJORITY, quorum: Quorum | None = None
) -> Recount:
    """Count an export and check its stated ballots_sha256; raises VoteDataError on any mismatch."""
    result = count(
        export.method,
        export.options,
        export.ballots,
        threshold=threshold,
        quorum=quorum,
        electorate=export.electorate_size,
    )
    computed = ballots_sha256(export.method, export.options, export.ballots)
    if export.ballots_sha256 is not None and computed != export.ballots_sha256:
        raise ExportError(
            f"ballots_sha256 does not match the ballots (file {export.ballots_sha256[:12]}…, "
            f"computed {computed[:12]}…)",
            code="export_hash_mismatch",
        )
    return Recount(
        export=export,
        result=result,
        ballots_sha256=computed,
        hash_checked=export.ballots_sha256 is not None,
    )
