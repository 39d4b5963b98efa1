from django.core.management.base import BaseCommand, CommandError

from workflows.errors import WorkflowMigrationRefused
from workflows.services import workflow_subjects_migrate


def _mapping(pairs: list[str]) -> dict[str, str]:
    mapping = {}
    for pair in pairs:
        old, sep, new = pair.partition("=")
        if not sep or not old or not new:
            raise CommandError(f"--map takes old=new pairs; got {pair!r}")
        mapping[old] = new
    return mapping


class Command(BaseCommand):
    help = (
        "Move the running subjects of a workflow from one version to another. States keep their names "
        "unless mapped with --map old=new; a subject that would be left in a removed state stops the run."
    )

    def add_arguments(self, parser):
        parser.add_argument("key", help="the workflow, e.g. jobticket")
        parser.add_argument("--from-version", type=int, required=True)
        parser.add_argument("--to-version", type=int, required=True)
        parser.add_argument(
            "--map",
            nargs="*",
            action="extend",
            default=[],
            metavar="OLD=NEW",
            help="rename states: a subject in OLD goes to NEW",
        )
        parser.add_argument("--dry-run", action="store_true", help="show the moves, change nothing")

    def handle(self, *args, key, from_version, to_version, map, dry_run, **options):
        try:
            moves = workflow_subjects_migrate(
                key=key,
                from_version=from_version,
                to_version=to_version,
                mapping=_mapping(map),
                dry_run=dry_run,
            )
        except WorkflowMigrationRefused as exc:
            raise CommandError(
                "migration refused, nothing changed:\n- " + "\n- ".join(exc.problems)
            ) from None
        for move in moves:
            arrow = (
                move.from_state
                if move.from_state == move.to_state
                else f"{move.from_state} → {move.to_state}"
            )
            self.stdout.write(f"{move.label}: {arrow}")
        verb = "would move" if dry_run else "moved"
        self.stdout.write(
            self.style.SUCCESS(f"{verb} {len(moves)} subject(s) from v{from_version} to v{to_version}")
        )
