import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from votes.counting import (
    THRESHOLDS,
    ChoiceResult,
    Method,
    Quorum,
    SchulzeResult,
    Threshold,
    VoteDataError,
    YesNoAbstainResult,
)
from votes.counting.rules import QuorumCheck
from votes.export import UNSET, Recount, Unset, VoteExport, count_export, load_export, receipt_sha256

LABEL_WIDTH = 28


class Command(BaseCommand):
    help = (
        "Count a published vote export (JSON) offline with the platform's counting code and print "
        "the result: order with ties, counts, and for Schulze the pairwise matrix and strongest paths, "
        "and whether the vote passed, by the threshold and quorum the file states. With --receipt, "
        "say whether the ballot of that receipt code is in the file (secret votes)."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="the export file, e.g. vote-12.json")
        parser.add_argument("--json", action="store_true", help="print the result as JSON")
        parser.add_argument(
            "--threshold",
            default=None,
            metavar="|".join(THRESHOLDS),
            help="pass threshold of a yes/no/abstain vote instead of the file's (which defaults to simple)",
        )
        parser.add_argument(
            "--quorum",
            default=None,
            help='minimum turnout instead of the file\'s: a share of electorate_size ("50%%", "1/2"), '
            'a number of voters ("30") or "none"',
        )
        parser.add_argument(
            "--receipt",
            default=None,
            metavar="CODE",
            help="the receipt code shown when casting a secret ballot: is that ballot in the file?",
        )

    def handle(self, *args, file, json: bool = False, threshold=None, quorum=None, receipt=None, **options):
        threshold_rule, quorum_rule = command_line_rules(threshold, quorum)
        try:
            export = load_export(file)
        except VoteDataError as error:
            raise CommandError(f"{file}: {error}") from None
        if threshold_rule is not None and export.method is not Method.YES_NO_ABSTAIN:
            raise CommandError(
                f"--threshold: only a yes_no_abstain vote has a threshold; {file} is a "
                f"{export.method.value} vote"
            )
        try:
            recount = count_export(export, threshold=threshold_rule, quorum=quorum_rule)
        except VoteDataError as error:
            raise CommandError(f"{file}: {error}") from None
        if receipt is not None and export.receipts is None:
            raise CommandError(
                f"{file}: the file lists no receipts (only the export of a secret vote has them)"
            )
        found = receipt_check(export, receipt) if receipt is not None else None
        if json:
            self.stdout.write(dump_json({**as_json(recount), **({"receipt": found} if found else {})}))
        else:
            self.stdout.write("\n".join(render(recount) + (render_receipt(export, found) if found else [])))
        if found and not found["found"]:
            # Said on stdout above; the exit status lets a script tell as well.
            raise CommandError(f"{file}: no ballot with receipt {receipt} in this file")


def command_line_rules(
    threshold: str | None, quorum: str | None
) -> tuple[Threshold | None, Quorum | None | Unset]:
    """--threshold and --quorum read (None / UNSET: the file's); raises a one-line CommandError."""
    try:
        threshold_rule = Threshold.parse(threshold) if threshold is not None else None
    except VoteDataError as error:
        raise CommandError(f"--threshold: {error}") from None
    if quorum is None:
        return threshold_rule, UNSET
    if quorum.strip().lower() == "none":
        return threshold_rule, None
    try:
        return threshold_rule, Quorum.parse(quorum)
    except VoteDataError as error:
        raise CommandError(f"--quorum: {error}") from None


def dump_json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, indent=2)


def as_json(recount: Recount) -> dict[str, Any]:
    export = recount.export
    return {
        "vote": export.title,
        **recount.result.as_dict(),
        "passed": recount.passed,
        "not_passed_because": recount.pass_failures,
        "overrides": [override.as_dict() for override in recount.overrides],
        "electorate_size": export.electorate_size,
        "ballots_sha256": recount.ballots_sha256,
        "ballots_sha256_checked": recount.hash_checked,
    }


def receipt_check(export: VoteExport, code: str) -> dict[str, Any]:
    """Whether the ballot of receipt `code` is in the export, and that ballot (canonical form)."""
    ballot = export.receipt_ballot(code)
    field = "ranking" if export.method.ranked else "choices"
    return {
        "code": code,
        "sha256": receipt_sha256(code),
        "found": ballot is not None,
        "ballot": {field: ballot} if ballot is not None else None,
    }


def render_receipt(export: VoteExport, found: dict[str, Any]) -> list[str]:
    lines = ["", f"Receipt: {found['code']} (sha256 {found['sha256']})"]
    if not found["found"]:
        return [*lines, "  NOT in the file: no ballot of this file has this receipt."]
    lines.append("  in the file; its ballot:")
    if "choices" in found["ballot"]:
        choices = found["ballot"]["choices"]
        return [*lines, f"  choices: {', '.join(choices) if choices else '(none)'}"]
    ranking = found["ballot"]["ranking"]
    listed = {label for tier in ranking for label in tier}
    left_out = [label for label in export.options if label not in listed]
    lines += [f"  {place}. {' = '.join(tier)}" for place, tier in enumerate(ranking, start=1)]
    if left_out:
        lines.append(f"  below all of these, ranked equal: {', '.join(left_out)}")
    return lines


def short(label: str) -> str:
    return label if len(label) <= LABEL_WIDTH else label[: LABEL_WIDTH - 1] + "…"


def render(recount: Recount) -> list[str]:
    export, result = recount.export, recount.result
    stated = "matches the file" if recount.hash_checked else "the file states none"
    lines = [
        f"Vote:    {export.title}",
        f"Method:  {export.method.value}",
        f"Ballots: {result.ballots}"
        + (f" of an electorate of {export.electorate_size}" if export.electorate_size is not None else ""),
        f"ballots_sha256: {recount.ballots_sha256} ({stated})",
        *(
            f"Override: --{override.rule} {override.used} (the file: {override.file})"
            for override in recount.overrides
        ),
        *render_quorum(result.quorum),
    ]
    if isinstance(result, YesNoAbstainResult):
        lines += render_yes_no(result)
    elif isinstance(result, ChoiceResult):
        lines += render_choices(result)
    elif isinstance(result, SchulzeResult):
        lines += render_schulze(result)
    failures = recount.pass_failures
    lines += ["", f"Result:  NOT PASSED ({'; '.join(failures)})" if failures else "Result:  PASSED"]
    return lines


def render_quorum(check: QuorumCheck | None) -> list[str]:
    if check is None:
        return ["Quorum:  none"]
    verdict = "met" if check.met else "NOT met"
    return [
        f"Quorum:  {check.quorum.describe()} = {check.required} voters; turnout {check.turnout}: {verdict}"
    ]


def render_yes_no(result: YesNoAbstainResult) -> list[str]:
    width = max(len(short(label)) for label in result.options)
    lines = ["", "Votes:"]
    lines += [f"  {short(label):<{width}}  {votes:>8}" for label, votes in result.votes.items()]
    verdict = "met" if result.threshold_met else "NOT met"
    lines += [
        "",
        f"Threshold: {result.threshold.key} ({result.threshold.describe()}): {verdict} "
        f"({result.yes} yes of {result.yes + result.no} yes + no)",
    ]
    return lines


def render_order(tiers: tuple[tuple[str, ...], ...], votes: dict[str, int] | None) -> list[str]:
    width = max(len(short(label)) for tier in tiers for label in tier)
    lines = ["", "Order (best first; a shared place is a tie):"]
    place = 1
    for tier in tiers:
        tie = "  (tie)" if len(tier) > 1 else ""
        for label in tier:
            count = f"  {votes[label]:>8}" if votes is not None else ""
            lines.append(f"  {place:>3}. {short(label):<{width}}{count}{tie}")
        place += len(tier)
    return lines


def render_winner(winner: str | None, tiers: tuple[tuple[str, ...], ...]) -> str:
    if winner is not None:
        return f"Winner:  {winner}"
    return f"Winner:  none, tie between {', '.join(tiers[0])} (not broken)"


def render_choices(result: ChoiceResult) -> list[str]:
    return [*render_order(result.tiers, result.votes), "", render_winner(result.winner, result.tiers)]


def render_matrix(title: str, options: tuple[str, ...], rows: tuple[tuple[int, ...], ...]) -> list[str]:
    width = max(3, *(len(str(value)) for row in rows for value in row))
    label_width = max(len(short(label)) for label in options) + 5
    header = " " * label_width + "".join(f" {number:>{width}}" for number in range(1, len(options) + 1))
    lines = ["", title, header]
    for i, (label, row) in enumerate(zip(options, rows, strict=True)):
        cells = "".join(f" {'-' if i == j else value:>{width}}" for j, value in enumerate(row))
        lines.append(f"{i + 1:>3}. {short(label):<{label_width - 5}}{cells}")
    return lines


def render_schulze(result: SchulzeResult) -> list[str]:
    lines = render_order(result.tiers, None)
    lines += ["", render_winner(result.winner, result.tiers), "Tie-break: none; tied options share a place."]
    lines += render_matrix(
        "Pairwise preferences d[row][column]: voters ranking row above column",
        result.options,
        result.pairwise,
    )
    lines += render_matrix("Strongest paths p[row][column]", result.options, result.strongest_paths)
    lines += ["", "First preferences (ballots with the option in their first tier):"]
    width = max(len(short(label)) for label in result.options)
    lines += [f"  {short(label):<{width}}  {n:>8}" for label, n in result.first_preferences.items()]
    return lines
