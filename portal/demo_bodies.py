"""Demo bodies: the forum, two steering teams, the four working groups, their members."""

from django.contrib.auth.hashers import make_password

from accounts.models import Organisation, User
from accounts.services import user_create
from workgroups.models import Body, Membership, Role, Theme
from workgroups.services import body_create, membership_add

THEMES = [
    ("fachkraefte", "Fachkräfte", "Skilled workers"),
    ("innovation", "Innovation / Technologietransfer", "Innovation / technology transfer"),
    ("kommunikation", "Kommunikation", "Communication"),
    ("csr", "Corporate Social Responsibility", "Corporate social responsibility"),
]

STEERING_TEAMS = [
    ("st-fachkraefte-csr", "Steuerteam Fachkräfte & CSR"),
    ("st-innovation-kommunikation", "Steuerteam Innovation & Kommunikation"),
]

WORKING_GROUPS = [
    # slug, name, steering team, theme
    ("ag-fachkraefte", "AG Fachkräfte", "st-fachkraefte-csr", "fachkraefte"),
    ("ag-csr", "AG CSR", "st-fachkraefte-csr", "csr"),
    ("ag-technologietransfer", "AG Technologietransfer", "st-innovation-kommunikation", "innovation"),
    ("ag-kommunikation", "AG Kommunikation", "st-innovation-kommunikation", "kommunikation"),
]

MEMBERSHIPS = [
    ("anna.becker@example.org", "ag-fachkraefte", Role.CHAIR),
    ("ben.schmitz@example.org", "ag-fachkraefte", Role.MEMBER),
    ("carla.hoffmann@example.org", "ag-csr", Role.CHAIR),
    ("david.wagner@example.org", "st-fachkraefte-csr", Role.MEMBER),
    ("eva.klein@example.org", "ag-kommunikation", Role.MEMBER),
    ("eva.klein@example.org", "ag-technologietransfer", Role.MEMBER),
    ("eva.klein@example.org", "forum", Role.STAFF),
]
FORUM_MEMBERS = [
    "anna.becker@example.org",
    "ben.schmitz@example.org",
    "carla.hoffmann@example.org",
    "david.wagner@example.org",
    "felix.meyer@example.org",
]

# Fictional companies and representatives that fill the forum to over 50 members.
FICTIONAL_FIRMS = [
    "Aquis Präzisionsteile",
    "Kaiserstadt Gießerei",
    "Wurmtal Kunststofftechnik",
    "Lousberg Elektronik",
    "Soers Antriebstechnik",
    "Haarener Blechbearbeitung",
    "Dreiländer Verpackung",
    "Eilendorf Lacke",
    "Brander Feinmechanik",
    "Forster Textilveredelung",
    "Rothe Erde Lagertechnik",
    "Vaalser Optik",
    "Kornelimünster Holzbau",
    "Laurensberg Medizintechnik",
    "Richterich Automation",
]
FIRST_NAMES = [
    "Jonas",
    "Lena",
    "Paul",
    "Marie",
    "Lukas",
    "Sophie",
    "Tim",
    "Laura",
    "Niklas",
    "Hannah",
    "Jan",
    "Lea",
    "Moritz",
    "Julia",
    "Felix",
]
LAST_NAMES = [
    "Schröder",
    "Neumann",
    "Krüger",
    "Hartmann",
    "Lange",
    "Werner",
    "Krause",
    "Lehmann",
    "Köhler",
    "Peters",
    "Jansen",
    "Vogel",
    "Franke",
    "Berger",
    "Kaiser",
]


def seed_bodies(*, people: dict[str, User]) -> dict[str, Body]:
    """Create the bodies once and the demo people's memberships."""
    themes = {}
    for slug, name, name_en in THEMES:
        themes[slug], _ = Theme.objects.get_or_create(slug=slug, defaults={"name": name, "name_en": name_en})
    bodies = {}
    bodies["forum"] = _body(
        kind=Body.Kind.FORUM,
        slug="forum",
        name="Forum Aachener Industrie-Dialog",
        description="Das Dach des Industrie-Dialogs: über 50 Unternehmerinnen und "
        "Unternehmer sowie Intermediäre.",
    )
    for slug, name in STEERING_TEAMS:
        bodies[slug] = _body(kind=Body.Kind.STEERING_TEAM, slug=slug, name=name, parent=bodies["forum"])
    for slug, name, steering, theme in WORKING_GROUPS:
        bodies[slug] = _body(
            kind=Body.Kind.WORKING_GROUP, slug=slug, name=name, parent=bodies[steering], theme=themes[theme]
        )
    for email, slug, role in MEMBERSHIPS:
        _member(bodies[slug], people[email], role)
    for email in FORUM_MEMBERS:
        _member(bodies["forum"], people[email], Role.MEMBER)
    return bodies


def seed_forum_members(*, forum: Body, with_password: bool, count: int = 48) -> None:
    """Fictional representatives of fictional companies, so the forum has over 50 members."""
    from .demo import DEMO_PASSWORD

    # Hashing once keeps the demo load fast; every generated person shares the demo password.
    password_hash = make_password(DEMO_PASSWORD) if with_password else None
    for i in range(count):
        firm_name = FICTIONAL_FIRMS[i % len(FICTIONAL_FIRMS)]
        firm, _ = Organisation.objects.get_or_create(
            name=f"{firm_name} GmbH",
            defaults={"kind": Organisation.Kind.COMPANY, "produces_in_aachen": True},
        )
        first, last = FIRST_NAMES[i % len(FIRST_NAMES)], LAST_NAMES[(i * 7) % len(LAST_NAMES)]
        email = f"forum{i + 1:02d}@example.org"
        user = User.objects.filter(email=email).first() or user_create(
            email=email,
            password=None,
            password_hash=password_hash,
            first_name=first,
            last_name=last,
            organisation=firm,
        )
        _member(forum, user, Role.MEMBER)


def _body(*, kind: str, slug: str, name: str, **fields) -> Body:
    return Body.objects.filter(slug=slug).first() or body_create(kind=kind, slug=slug, name=name, **fields)


def _member(body: Body, user: User, role: str) -> None:
    if not Membership.objects.filter(body=body, user=user, left_at__isnull=True).exists():
        membership_add(body=body, user=user, role=role)
