from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from portal.demo import DEMO_PASSWORD
from portal.load import BASE, EMAIL_DOMAIN, AlreadyLoaded, seed_load


def scale_value(raw: str) -> float:
    try:
        value = float(raw)
    except ValueError:
        raise CommandError(f"--scale must be a number such as 1 or 0.01; got {raw!r}.") from None
    if not 0 < value <= 20:
        raise CommandError(f"--scale must be above 0 and at most 20; got {raw}.")
    return value


class Command(BaseCommand):
    help = (
        "Load a synthetic dataset for the benchmark: at --scale 1 about "
        f"{BASE['organisations']} organisations, {BASE['users']:,} people, {BASE['working_groups']} "
        f"working groups, {BASE['projects']} projects and {BASE['tasks']:,} tasks. Runs once per "
        "database. Refuses to run with DJANGO_DEBUG=0 unless --force."
    )

    def add_arguments(self, parser):
        parser.add_argument("--scale", default="1", help="Size relative to scale 1 (e.g. 0.01, 1, 2).")
        parser.add_argument(
            "--seed", type=int, default=2015, help="Random seed (the same seed, the same data)."
        )
        parser.add_argument(
            "--force",
            action="store_true",
            help=f"Run with DJANGO_DEBUG=0 too; every load person gets the password {DEMO_PASSWORD}.",
        )

    def handle(self, *args, scale: str, seed: int, force: bool, **options):
        value = scale_value(scale)
        if not settings.DEBUG and not force:
            raise CommandError(
                "seed_load refuses to run with DJANGO_DEBUG=0: it creates people with the known "
                f"password {DEMO_PASSWORD}. Use a development or benchmark database, or --force."
            )
        try:
            result = seed_load(scale=value, seed=seed)
        except AlreadyLoaded:
            raise CommandError(
                "The load dataset is already in this database (bodies with slugs 'load-…'): "
                "seed_load runs once per database. Use a fresh database to load it again."
            ) from None
        self.stdout.write(self.style.SUCCESS(f"Load dataset at scale {value:g} in {result.seconds:.1f} s:"))
        for name, count in result.counts.items():
            self.stdout.write(f"  {count:>9,} {name}")
        self.stdout.write(
            f"People sign in as person00001@{EMAIL_DOMAIN} … with the password {DEMO_PASSWORD}."
        )
