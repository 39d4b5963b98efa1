"""What visitors without a login may read: everything here is filtered in the database to what the
initiative shows publicly (public projects, organisations that agreed to be named, current seals,
public events). Nothing internal is selected, so nothing internal can reach a template."""

from django.db.models import Case, Exists, OuterRef, Prefetch, QuerySet, When

from accounts.models import Organisation
from events.selectors import events_upcoming_public
from projects.models import Project
from seals.selectors import seals_current
from workgroups.models import Body, Membership, Role, Theme

WORKFLOW_FIELDS = ("id", "key", "version", "checksum")
# The project fields a public page may show; the rest (description, goals, dates) stays internal.
PROJECT_FIELDS = ("id", "workgroup_id", "title", "summary", "state", "workflow_id")


def projects_public() -> QuerySet[Project]:
    """Projects marked public and not archived, with only their public fields and workflow version."""
    return (
        Project.objects.filter(is_public=True, archived_at__isnull=True)
        .select_related("workflow")
        # The state label comes from the version's parsed definition, cached by its checksum.
        .only(*PROJECT_FIELDS, *(f"workflow__{name}" for name in WORKFLOW_FIELDS))
        .order_by("title", "pk")
    )


def themes_public() -> QuerySet[Theme]:
    return Theme.objects.order_by("name")


def workgroups_public(*, with_projects: bool = True) -> QuerySet[Body]:
    """Working groups with their theme and, unless told otherwise, their public projects
    (`public_projects`; two queries in all)."""
    groups = (
        Body.objects.filter(kind=Body.Kind.WORKING_GROUP)
        .select_related("theme")
        .only("id", "name", "slug", "description", "theme__slug", "theme__name", "theme__name_en")
        .order_by("theme__name", "name")
    )
    if with_projects:
        groups = groups.prefetch_related(
            Prefetch("projects", queryset=projects_public(), to_attr="public_projects")
        )
    return groups


def organisations_public(*, companies_first: bool = False) -> QuerySet[Organisation]:
    """Confirmed organisations that agreed to be named and have someone active in the forum, by
    name (with `companies_first`, the companies before everyone else)."""
    in_forum = Membership.objects.filter(
        user__organisation=OuterRef("pk"),
        user__is_active=True,
        body__kind=Body.Kind.FORUM,
        left_at__isnull=True,
        role__in=[Role.MEMBER, Role.STAFF],
    )
    return (
        Organisation.objects.filter(listed_publicly=True, is_confirmed=True)
        .filter(Exists(in_forum))
        .only("id", "name", "kind", "city", "website")
        .order_by(
            *([Case(When(kind=Organisation.Kind.COMPANY, then=0), default=1)] if companies_first else []),
            "name",
            "pk",
        )
    )


def organisations_public_count() -> int:
    return organisations_public().count()


def seal_holders(*, limit: int | None = None) -> list:
    """Current seals (the register's rows), by organisation name."""
    seals = seals_current().only(
        "id", "public_id", "valid_from", "valid_until", "organisation__name", "organisation__website"
    )
    return list(seals[:limit] if limit else seals)


def events_upcoming(*, limit: int = 5) -> list:
    return list(events_upcoming_public(limit=limit))


def themes_with_groups(groups) -> list[tuple[Theme | None, list[Body]]]:
    """`groups` (working groups ordered by theme) under their themes; every theme appears, groups
    without a theme come last under None."""
    by_theme: dict[int | None, list[Body]] = {}
    for group in groups:
        by_theme.setdefault(group.theme_id, []).append(group)
    sections: list[tuple[Theme | None, list[Body]]] = [
        (theme, by_theme.get(theme.pk, [])) for theme in themes_public()
    ]
    if None in by_theme:
        sections.append((None, by_theme[None]))
    return sections
