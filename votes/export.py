"""The published, anonymised ballots of a vote: one JSON document, its strict reading, its hash.

    {"vote": "<title>", "method": "yes_no_abstain" | "single" | "approval" | "schulze",
     "options": ["<label>", ...],
     "threshold": "simple" | "two_thirds",                                             (optional)
     "quorum": "<share>%" | "<number>" | null,                                          (optional)
     "ballots": [{"count": n, "ranking": [["<label>", ...], ...]}, ...]   (schulze)
     "ballots": [{"count": n, "choices": ["<label>", ...]}, ...]          (the others)
     "electorate_size": n, "electorate_sha256": "<hex>", "ballots_sha256": "<hex>",    (optional)
     "receipts": [{"sha256": "<hex>", "ranking" | "choices": [...]}, ...]}             (optional)

A ranking is a list of tiers, best first; options in one tier are ranked equal, options left
out rank below every listed one. For yes_no_abstain the options are yes, no, abstain in this
order. Any other key is an error.

"threshold" and "quorum" are the vote's rules, so that a recount reproduces whether it passed.
"threshold" (yes_no_abstain only: an error with any other method) is "simple" (more than half
of yes + no) or "two_thirds" (at least two thirds); without it, simple. "quorum" is the minimum
turnout: "50%" a share of the electorate (the file must then state "electorate_size"; "1/2" and
"0.5" read the same), "30" a number of voters, null none; without it, none. `manage.py
vote_recount` counts with them unless --threshold / --quorum override them, and states "passed"
by the platform's rule (`votes.counting.result_passed`): the quorum met and, for yes_no_abstain,
the threshold met, for the other methods a single winner.

"receipts" (the export of a secret vote) lets each voter find their own ballot: one entry per
ballot, with "sha256", the SHA-256 (hex) of the receipt code the voter was shown when casting,
taken of the code in capitals without dashes (only the letters A–Z and the digits 0–9 are kept:
"abcd-efgh" and "ABCDEFGH" are the same code; see `receipt_sha256`), and that ballot's
"choices" or "ranking" in canonical form (step 1 below). The entries are sorted by "sha256",
each hash once, and the ballots they carry, each counted once, are exactly the ballot set of
"ballots". `manage.py vote_recount FILE --receipt CODE` says whether the ballot is in the file.

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
import string
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from enum import Enum
from pathlib import Path
from typing import Any

from votes.counting import (
    SIMPLE_MAJORITY,
    Method,
    Quorum,
    Result,
    Threshold,
    VoteDataError,
    count,
    pass_failures,
)
from votes.counting.ballots import check_options, choice_counts, rank_matrix

REQUIRED_KEYS = ("vote", "method", "options", "ballots")
OPTIONAL_KEYS = ("threshold", "quorum", "electorate_size", "electorate_sha256", "ballots_sha256", "receipts")
SHA256_HEX = re.compile(r"[0-9a-f]{64}")
RECEIPT_CHARACTERS = frozenset(string.ascii_uppercase + string.digits)
_CANONICAL = json.JSONEncoder(ensure_ascii=False, sort_keys=True, separators=(",", ":"))


class ExportError(VoteDataError):
    """The export document itself (not one ballot) is unusable."""


class Unset(Enum):
    """An argument left out; None means something of its own there (no quorum)."""

    UNSET = "unset"


UNSET = Unset.UNSET


def canonical_json(value: Any) -> str:
    return _CANONICAL.encode(value)


@dataclass(frozen=True)
class VoteExport:
    title: str
    method: Method
    options: tuple[str, ...]
    ballots: list[Any]  # checked when counted
    threshold: Threshold | None = None  # None: the file states none
    quorum: Quorum | None = None
    quorum_stated: bool = False  # whether the file has the key (its null says: no quorum)
    electorate_size: int | None = None
    electorate_sha256: str | None = None
    ballots_sha256: str | None = None
    # Secret votes: (receipt hash, canonical choices or ranking) per ballot, sorted by the hash.
    receipts: tuple[tuple[str, list], ...] | None = None

    @property
    def counting_threshold(self) -> Threshold | None:
        """The threshold the file's vote is counted with (simple unless stated); None but for yes/no."""
        if self.method is not Method.YES_NO_ABSTAIN:
            return None
        return self.threshold or SIMPLE_MAJORITY

    def receipt_ballot(self, code: str) -> list | None:
        """The canonical choices or ranking of the ballot with receipt `code`, or None."""
        return dict(self.receipts or ()).get(receipt_sha256(code))


def receipt_sha256(code: str) -> str:
    """SHA-256 (hex) of a receipt code in capitals without dashes (only A–Z and 0–9 kept)."""
    normalised = "".join(ch for ch in code.upper() if ch in RECEIPT_CHARACTERS)
    return hashlib.sha256(normalised.encode("ascii")).hexdigest()


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
    threshold = _parse_threshold(method, data["threshold"]) if "threshold" in data else None
    quorum = _parse_quorum(data["quorum"], electorate_size) if "quorum" in data else None
    receipts = None
    if "receipts" in data:
        receipts = _parse_receipts(method, options, data["receipts"], data["ballots"])
    return VoteExport(
        title=title,
        method=method,
        options=options,
        ballots=data["ballots"],
        threshold=threshold,
        quorum=quorum,
        quorum_stated="quorum" in data,
        electorate_size=electorate_size,
        electorate_sha256=data.get("electorate_sha256"),
        ballots_sha256=data.get("ballots_sha256"),
        receipts=receipts,
    )


def _parse_threshold(method: Method, value: Any) -> Threshold:
    if method is not Method.YES_NO_ABSTAIN:
        raise ExportError(
            f'"threshold" only applies to a yes_no_abstain vote, this one is {method.value}',
            code="export_threshold",
        )
    try:
        return Threshold.parse(value)
    except VoteDataError as error:
        raise ExportError(f'"threshold": {error}', code="export_threshold") from None


def _parse_quorum(value: Any, electorate_size: int | None) -> Quorum | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise ExportError(
            f'"quorum" must be a string ("50%" a share of the electorate, "30" a number of voters) '
            f"or null, got {value!r}",
            code="export_quorum",
        )
    try:
        quorum = Quorum.parse(value)
    except VoteDataError as error:
        raise ExportError(f'"quorum": {error}', code="export_quorum") from None
    if quorum.share is not None and electorate_size is None:
        raise ExportError(
            f'"quorum" {value!r} is a share of the electorate: the file must state "electorate_size"',
            code="export_quorum",
        )
    return quorum


def _parse_receipts(
    method: Method, options: Sequence[str], receipts: Any, ballots: Any
) -> tuple[tuple[str, list], ...]:
    """The receipts checked strictly (see the module docstring); raises ExportError or BallotError."""
    field = "ranking" if method.ranked else "choices"
    if not isinstance(receipts, list):
        raise ExportError('"receipts" must be a list', code="export_receipts")
    keys = {"sha256", field}
    previous = ""
    for number, entry in enumerate(receipts, start=1):
        if not isinstance(entry, dict) or entry.keys() != keys:
            raise ExportError(
                f'receipt {number}: an entry is an object with exactly the keys "sha256" and "{field}"',
                code="export_receipts",
            )
        digest = entry["sha256"]
        if not isinstance(digest, str) or not SHA256_HEX.fullmatch(digest):
            raise ExportError(
                f'receipt {number}: "sha256" must be 64 lowercase hex digits', code="export_receipts"
            )
        if digest <= previous:
            raise ExportError(
                f"receipt {number}: the receipts must be sorted by sha256, each hash once",
                code="export_receipts",
            )
        previous = digest
    as_ballots = [{"count": 1, field: entry[field]} for entry in receipts]
    try:
        check_ballots(method, options, as_ballots)
    except VoteDataError as error:
        where = f"receipt {error.ballot}: " if error.ballot is not None else "receipts: "
        message = str(error).removeprefix(f"ballot {error.ballot}: ")
        raise ExportError(where + message, code="export_receipts") from None
    for number, entry in enumerate(receipts, start=1):
        if entry[field] != canonical_content(method, options, entry[field]):
            raise ExportError(
                f"receipt {number}: {field} is not in canonical form (sorted labels; a ranking without "
                "a last tier that only lists the options left out)",
                code="export_receipts",
            )
    if _merged(method, options, as_ballots)[1] != _merged(method, options, ballots)[1]:
        raise ExportError(
            "the receipts' ballots are not the ballot set: every ballot needs exactly one receipt",
            code="export_receipts_mismatch",
        )
    return tuple((entry["sha256"], entry[field]) for entry in receipts)


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
    threshold: str | None = None,
    quorum: str | None | Unset = UNSET,
    electorate_size: int | None = None,
    electorate_sha256: str | None = None,
    receipts: Sequence[tuple[str, list]] | None = None,
) -> dict[str, Any]:
    """The export document with its ballots_sha256, ballots in canonical form; raises VoteDataError.

    `threshold` ("simple", "two_thirds"; yes/no/abstain only) and `quorum` ("50%", "30" or None
    for none) are written when given. `receipts` (secret votes): (receipt hash, the ballot's
    choices or ranking) for every ballot."""
    method = Method.parse(method)
    document: dict[str, Any] = {"vote": title, "method": method.value, "options": list(options)}
    if threshold is not None:
        document["threshold"] = threshold
    if quorum is not UNSET:
        document["quorum"] = quorum
    document["ballots"] = canonical_ballots(method, options, ballots)
    if electorate_size is not None:
        document["electorate_size"] = electorate_size
    if electorate_sha256 is not None:
        document["electorate_sha256"] = electorate_sha256
    document["ballots_sha256"] = ballots_sha256(method, options, document["ballots"])
    if receipts is not None:
        field = "ranking" if method.ranked else "choices"
        document["receipts"] = [
            {"sha256": digest, field: canonical_content(method, options, content)}
            for digest, content in sorted(receipts, key=lambda receipt: receipt[0])
        ]
    parse_export(document)
    return document


@dataclass(frozen=True)
class Override:
    """A rule of the count given by the caller instead of the file's."""

    rule: str  # "threshold" or "quorum"
    file: str  # the file's rule, in words
    used: str  # the rule counted with, in words

    def as_dict(self) -> dict[str, str]:
        return {"rule": self.rule, "file": self.file, "used": self.used}


@dataclass(frozen=True)
class Recount:
    export: VoteExport
    result: Result
    ballots_sha256: str  # computed from the ballots
    hash_checked: bool  # whether the file stated a ballots_sha256 (it then matched)
    overrides: tuple[Override, ...] = ()

    @property
    def pass_failures(self) -> list[str]:
        return pass_failures(self.result)

    @property
    def passed(self) -> bool:
        """The platform's rule (votes.counting.result_passed)."""
        return not self.pass_failures


def describe_quorum(quorum: Quorum | None) -> str:
    return quorum.describe() if quorum is not None else "none"


def count_export(
    export: VoteExport, *, threshold: Threshold | None = None, quorum: Quorum | None | Unset = UNSET
) -> Recount:
    """Count an export and check its stated ballots_sha256; raises VoteDataError on any mismatch.

    The count uses the file's threshold and quorum; `threshold` or `quorum` (None: no quorum)
    replace them, and the Recount lists those that differ from the file's."""
    overrides = []
    if threshold is not None:
        if export.method is not Method.YES_NO_ABSTAIN:
            raise ExportError(
                f"a threshold only applies to a yes_no_abstain vote, this one is {export.method.value}",
                code="threshold_method",
            )
        if threshold != export.counting_threshold:
            stated = export.threshold.key if export.threshold else "none stated, so simple"
            overrides.append(Override("threshold", stated, threshold.key))
    if quorum is UNSET:
        quorum = export.quorum
    elif quorum != export.quorum:
        stated = describe_quorum(export.quorum) if export.quorum_stated else "none stated"
        overrides.append(Override("quorum", stated, describe_quorum(quorum)))
    result = count(
        export.method,
        export.options,
        export.ballots,
        threshold=threshold or export.counting_threshold or SIMPLE_MAJORITY,
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
        overrides=tuple(overrides),
    )
