"""The Aachen demo data (DOMAIN.md): organisations, people, and what later apps add to it."""

from dataclasses import dataclass

from django.db import transaction

from accounts.models import Organisation, User
from accounts.services import user_create

DEMO_PASSWORD = "aachen2015"

ORGANISATIONS = [
    # name, kind, street, postal code, produces in Aachen, training company, website
    ("Philips GmbH", "company", "Philipsstraße 8", "52068", True, True, "https://www.philips.de"),
    ("Saint-Gobain Sekurit", "company", "Glasstraße 1", "52134", True, True, "https://www.saint-gobain.de"),
    ("Continental Reifen", "company", "Philipsstraße 1", "52068", True, True, "https://www.continental.com"),
    ("3Win Maschinenbau", "company", "Jülicher Straße 340", "52070", True, True, ""),
    ("Brammertz Schreinerei", "company", "Eisenbahnweg 9", "52068", True, True, ""),
    ("Theod. Mahr Söhne", "company", "Trierer Straße 220", "52078", True, True, ""),
    ("Ph-Mechanik", "company", "Rotter Bruch 32", "52068", True, False, ""),
    (
        "Stadt Aachen, Fachbereich Wirtschaftsförderung / Europäische Angelegenheiten",
        "administration",
        "Markt 39",
        "52062",
        False,
        False,
        "https://www.aachen.de",
    ),
    (
        "StädteRegion Aachen",
        "administration",
        "Zollernstraße 10",
        "52070",
        False,
        False,
        "https://www.staedteregion-aachen.de",
    ),
    (
        "VUV Aachen (Vereinigte Unternehmerverbände)",
        "intermediary",
        "Grüner Weg 4",
        "52070",
        False,
        False,
        "https://www.vuv.de",
    ),
]


@dataclass(frozen=True)
class Person:
    email: str
    first_name: str
    last_name: str
    organisation: str | None
    is_superuser: bool = False


PEOPLE = [
    Person("admin@example.org", "Plattform", "Admin", None, is_superuser=True),
    Person("anna.becker@example.org", "Anna", "Becker", "3Win Maschinenbau"),
    Person("ben.schmitz@example.org", "Ben", "Schmitz", "Continental Reifen"),
    Person("carla.hoffmann@example.org", "Carla", "Hoffmann", "Brammertz Schreinerei"),
    Person("david.wagner@example.org", "David", "Wagner", "Philips GmbH"),
    Person(
        "eva.klein@example.org",
        "Eva",
        "Klein",
        "Stadt Aachen, Fachbereich Wirtschaftsförderung / Europäische Angelegenheiten",
    ),
    Person("felix.meyer@example.org", "Felix", "Meyer", "Theod. Mahr Söhne"),
]


def seed_organisations() -> dict[str, Organisation]:
    """Create or update the seed's organisations; returns them by name."""
    result = {}
    for name, kind, street, postal_code, produces, training, website in ORGANISATIONS:
        organisation, _ = Organisation.objects.update_or_create(
            name=name,
            defaults={
                "kind": kind,
                "street": street,
                "postal_code": postal_code,
                "city": "Aachen",
                "produces_in_aachen": produces,
                "training_company": training,
                "website": website,
            },
        )
        result[name] = organisation
    return result


def seed_people(*, organisations: dict[str, Organisation], with_password: bool) -> dict[str, User]:
    """Create the demo people once; known passwords only when `with_password` (development)."""
    result = {}
    for person in PEOPLE:
        user = User.objects.filter(email=person.email).first()
        if user is None:
            user = user_create(
                email=person.email,
                password=DEMO_PASSWORD if with_password else None,
                first_name=person.first_name,
                last_name=person.last_name,
                organisation=organisations.get(person.organisation),
                is_superuser=person.is_superuser,
            )
        result[person.email] = user
    return result


@transaction.atomic
def seed_demo(*, with_password: bool) -> dict:
    """Load the whole demo; running it again changes nothing that is already there."""
    from .demo_bodies import seed_bodies, seed_forum_members
    from .demo_events import seed_events
    from .demo_projects import seed_projects
    from .demo_seals import seed_seals
    from .demo_votes import seed_votes

    organisations = seed_organisations()
    people = seed_people(organisations=organisations, with_password=with_password)
    bodies = seed_bodies(people=people)
    seed_forum_members(forum=bodies["forum"], with_password=with_password)
    projects = seed_projects(bodies=bodies, people=people, organisations=organisations)
    votes = seed_votes(people=people, bodies=bodies, organisations=organisations, projects=projects)
    seals = seed_seals(people=people, bodies=bodies, with_password=with_password)
    seed_events(organisations=organisations)
    return {
        "seals": seals,
        "organisations": organisations,
        "people": people,
        "bodies": bodies,
        "projects": projects,
        "votes": votes,
    }
