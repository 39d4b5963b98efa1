"""An initiative with public and internal things side by side, each internal one carrying a marker
string that must never reach a public page or the public API."""

import datetime
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urldefrag, urlsplit

from django.utils import timezone, translation

from accounts.models import Organisation
from escalations.services import escalation_create
from events.models import Event
from projects.models import Project
from projects.services import comment_create, project_archive, project_create, task_create
from seals.models import Application, Seal
from tests.factories import OrganisationFactory, UserFactory
from tests.world import World, build_world
from votes.models import Vote
from votes.services import vote_create
from workgroups.models import Body, Role, Theme
from workgroups.services import body_create, membership_add, membership_end


@dataclass
class PublicWorld:
    world: World
    group: Body
    public_project: Project
    # What must appear on the public pages, and what never may.
    shown: dict[str, str] = field(default_factory=dict)
    hidden: dict[str, str] = field(default_factory=dict)


def marker(name: str) -> str:
    return f"Geheim{name}Qx7"


def build_public_world() -> PublicWorld:
    world = build_world()
    chair, staff = world.people["chair"], world.people["staff"]
    hidden = {
        name: marker(name)
        for name in (
            "ProjectTitle",
            "ProjectSummary",
            "ProjectDescription",
            "ProjectGoals",
            "ArchivedProject",
            "TaskTitle",
            "TaskDescription",
            "CommentBody",
            "VoteTitle",
            "VoteOptionA",
            "VoteOptionB",
            "EscalationTitle",
            "EscalationRationale",
            "FirstName",
            "LastName",
            "Email",
            "UnlistedOrganisation",
            "NotInForum",
            "LeftForum",
            "PrivateEvent",
        )
    }
    hidden["Email"] = "geheim.person.qx7@example.org"
    theme = Theme.objects.create(slug="fachkraefte", name="Fachkräfte", name_en="Skilled workers")
    group = body_create(
        kind=Body.Kind.WORKING_GROUP,
        name="AG Nachwuchs",
        slug="ag-nachwuchs",
        parent=world.steering,
        theme=theme,
        description="Die AG wirbt um Auszubildende.",
    )
    membership_add(body=group, user=chair, role=Role.CHAIR)

    public_project = project_create(
        workgroup=group,
        actor=chair,
        title="Lehrerpraktika in Betrieben",
        summary="Lehrkräfte lernen eine Woche lang einen Betrieb kennen.",
        description=hidden["ProjectDescription"],
        goals=hidden["ProjectGoals"],
        type=Project.Type.GENERIC,
        is_public=True,
    )
    project_create(
        workgroup=group,
        actor=chair,
        title=hidden["ProjectTitle"],
        summary=hidden["ProjectSummary"],
        type=Project.Type.GENERIC,
    )
    archived = project_create(
        workgroup=group, actor=chair, title=hidden["ArchivedProject"], summary="alt", is_public=True
    )
    project_archive(project=archived, actor=chair)
    task = task_create(
        project=public_project, actor=chair, title=hidden["TaskTitle"], description=hidden["TaskDescription"]
    )
    comment_create(task=task, actor=chair, body=hidden["CommentBody"])
    vote_create(
        actor=staff,
        title=hidden["VoteTitle"],
        method=Vote.Method.SINGLE,
        options=[hidden["VoteOptionA"], hidden["VoteOptionB"]],
        closes_at=timezone.now() + datetime.timedelta(days=7),
    )
    escalation_create(
        workgroup=world.group,
        actor=chair,
        title=hidden["EscalationTitle"],
        rationale=hidden["EscalationRationale"],
        decision="Das Forum möge entscheiden.",
    )

    listed = OrganisationFactory(name="Wurmtal Kunststofftechnik GmbH", listed_publicly=True)
    chamber = OrganisationFactory(
        name="IHK Aachen",
        kind=Organisation.Kind.INTERMEDIARY,
        listed_publicly=True,
        website="https://ihk.test/",
    )
    unlisted = OrganisationFactory(name=hidden["UnlistedOrganisation"])
    not_in_forum = OrganisationFactory(name=hidden["NotInForum"], listed_publicly=True)
    left_forum = OrganisationFactory(name=hidden["LeftForum"], listed_publicly=True)
    representative = UserFactory(
        email=hidden["Email"],
        first_name=hidden["FirstName"],
        last_name=hidden["LastName"],
        organisation=listed,
    )
    membership_add(body=world.forum, user=representative)
    membership_add(body=world.forum, user=UserFactory(organisation=chamber))
    membership_add(body=world.forum, user=UserFactory(organisation=unlisted))
    membership_add(body=group, user=UserFactory(organisation=not_in_forum))
    gone = UserFactory(organisation=left_forum)
    membership_end(membership=membership_add(body=world.forum, user=gone), actor=gone)

    today = timezone.localdate()
    holder = OrganisationFactory(name="Aachener Printen Manufaktur GmbH")
    application = Application.objects.create(organisation=holder, applicant=UserFactory(organisation=holder))
    Seal.objects.create(
        organisation=holder,
        application=application,
        valid_from=today - datetime.timedelta(days=30),
        valid_until=today + datetime.timedelta(days=700),
    )
    soon = timezone.now() + datetime.timedelta(days=20)
    event_times = {"starts_at": soon, "ends_at": soon + datetime.timedelta(hours=3), "venue": "VUV, Aachen"}
    Event.objects.create(slug="treffen", title="Zweites Treffen der Arbeitsgruppen", **event_times)
    Event.objects.create(slug="intern", title=hidden["PrivateEvent"], is_public=False, **event_times)
    # A cancelled public event is no secret: its page says it is cancelled (tests/events).
    Event.objects.create(
        slug="abgesagt", title="Abgesagtes Treffen", cancelled_at=timezone.now(), **event_times
    )

    with translation.override("de"):
        state_label = public_project.state_label
    shown = {
        "theme": "Fachkräfte",
        "group": "AG Nachwuchs",
        "project": public_project.title,
        "summary": public_project.summary,
        "state": state_label,
        "company": listed.name,
        "intermediary": chamber.name,
        "seal": holder.name,
        "event": "Zweites Treffen der Arbeitsgruppen",
    }
    return PublicWorld(world=world, group=group, public_project=public_project, shown=shown, hidden=hidden)


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.hrefs: list[str] = []

    def handle_starttag(self, tag, attrs) -> None:
        if tag == "a":
            self.hrefs.extend(value for name, value in attrs if name == "href" and value)


# Same-site paths a visitor's crawl does not follow: files and the admin's own login.
SKIPPED = re.compile(r"^/(static|media|admin)/")


def same_site_links(html: str) -> list[str]:
    """The site's own page paths an HTML page links to (no fragments, no other hosts)."""
    parser = _Links()
    parser.feed(html)
    links = []
    for href in parser.hrefs:
        href = urldefrag(href)[0]
        parts = urlsplit(href)
        if parts.scheme or parts.netloc or not parts.path.startswith("/") or SKIPPED.match(parts.path):
            continue
        links.append(href)
    return links
