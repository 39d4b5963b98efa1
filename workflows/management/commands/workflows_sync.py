from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from workflows.services import workflow_definitions_sync
from workflows.validation import DefinitionError


class Command(BaseCommand):
    help = "Validate the workflow definition files and store each changed one as a new version."

    def add_arguments(self, parser):
        parser.add_argument(
            "--dir",
            type=Path,
            default=None,
            help="this folder of *.yaml definitions only (default: every folder a subject app registered)",
        )

    def handle(self, *args, dir=None, **options):
        try:
            results = workflow_definitions_sync(directory=dir)
        except DefinitionError as exc:
            raise CommandError(
                "invalid workflow definitions, nothing stored:\n- " + "\n- ".join(exc.problems)
            ) from None
        if not results:
            self.stdout.write("no workflow definition files found")
        for result in results:
            if result.created:
                self.stdout.write(self.style.SUCCESS(f"{result.key}: new version {result.version}"))
            else:
                self.stdout.write(f"{result.key}: unchanged (version {result.version})")
