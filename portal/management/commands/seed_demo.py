from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from portal.demo import DEMO_PASSWORD, PEOPLE, seed_demo


class Command(BaseCommand):
    help = "Load the Aachen demo data (idempotent). Refuses to run with DJANGO_DEBUG=0 unless --force."

    def add_arguments(self, parser):
        parser.add_argument(
            "--force",
            action="store_true",
            help="Run in production too; people are then created without a usable password.",
        )

    def handle(self, *args, force: bool = False, **options):
        if not settings.DEBUG and not force:
            raise CommandError(
                "seed_demo refuses to run with DJANGO_DEBUG=0: it creates demo people. "
                "Use --force to load the demo without passwords."
            )
        with_password = settings.DEBUG
        data = seed_demo(with_password=with_password)
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo data ready: {len(data['bodies'])} bodies, {len(data['projects'])} projects, "
                f"{len(data['people'])} named people and the forum's generated members."
            )
        )
        if with_password:
            self.stdout.write(f"Demo logins (password {DEMO_PASSWORD}):")
            for person in PEOPLE:
                self.stdout.write(f"  {person.email}")
        else:
            self.stdout.write("No passwords set: people sign in after a password reset.")
