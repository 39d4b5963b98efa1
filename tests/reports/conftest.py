"""A second quarter of 2015 for the committee report: rows inside, before and after the period.

Everything is written through the ORM with the dates the story needs (the services stamp "now");
the figures each row should produce are spelt out next to it and checked in test_figures.py.
"""

import datetime
from dataclasses import dataclass, field

import pytest
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from accounts.models import Organisation
from escalations.models import Escalation
from events.models import Event, Registration
from projects.models import Project, Task
from seals.models import Application, Seal
from tests.factories import OrganisationFactory, UserFactory
from votes.models import Elector, Participation, Vote
from workflows.models import TransitionRecord
from workflows.services import workflow_definition_latest
from workgroups.models import Body, Membership, Role, Theme

START, END = datetime.date(2015, 4, 1), datetime.date(2015, 6, 30)


def at(year: int, month: int, day: int, hour: int = 12) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime(year, month, day, hour))


def give_history(subject, key: str, steps: list[tuple[datetime.datetime, str]]) -> None:
    """Workflow history rows for `subject`: the first step is the start, each later one a transition."""
    version = workflow_definition_latest(key=key)
    subject_type = ContentType.objects.get_for_model(subject)
    sequence = TransitionRecord.objects.filter(subject_type=subject_type, subject_id=subject.pk).count()
    previous = (
        TransitionRecord.objects.filter(subject_type=subject_type, subject_id=subject.pk)
        .order_by("-sequence")
        .values_list("to_state", flat=True)
        .first()
    ) or ""
    for when, state in steps:
        sequence += 1
        TransitionRecord.objects.create(
            subject_type=subject_type,
            subject_id=subject.pk,
            sequence=sequence,
            kind=TransitionRecord.Kind.START if sequence == 1 else TransitionRecord.Kind.TRANSITION,
            workflow=version,
            transition="" if sequence == 1 else f"to_{state}",
            from_state=previous,
            to_state=state,
            created_at=when,
        )
        previous = state


def make_project(group: Body, title: str, steps: list[tuple[datetime.datetime, str]]) -> Project:
    project = Project.objects.create(workgroup=group, title=title, summary=title, type=Project.Type.GENERIC)
    give_history(project, "generic", steps)
    return project


def make_vote(*, title: str, origin: Body | None, opened: datetime.datetime, closes: datetime.datetime,
              closed: bool, passed: bool | None, electors: list, cast: list) -> Vote:  # fmt: skip
    vote = Vote.objects.create(
        title=title,
        method=Vote.Method.YES_NO_ABSTAIN,
        opens_at=opened,
        closes_at=closes,
        opened_at=opened,
        status=Vote.Status.CLOSED if closed else Vote.Status.OPEN,
        closed_at=closes if closed else None,
        result={"turnout": len(cast)} if closed else None,
        passed=passed,
        origin_body=origin,
        electorate_size=len(electors),
    )
    for user, when in zip(electors, cast, strict=False):
        elector = Elector.objects.create(vote=vote, user=user)
        Participation.objects.create(vote=vote, elector=elector, cast_by=user, cast_at=when)
    for user in electors[len(cast) :]:
        Elector.objects.create(vote=vote, user=user)
    return vote


def make_seal(organisation: Organisation, applicant, *, awarded: datetime.date, until: datetime.date,
              revoked: datetime.datetime | None = None) -> Seal:  # fmt: skip
    application = Application.objects.create(organisation=organisation, applicant=applicant)
    return Seal.objects.create(
        organisation=organisation,
        application=application,
        awarded_at=at(awarded.year, awarded.month, awarded.day),
        valid_from=awarded,
        valid_until=until,
        revoked_at=revoked,
        revoke_reason="Produktion verlagert" if revoked else "",
    )


def make_event(slug: str, title: str, starts: datetime.datetime, *, cancelled: bool = False) -> Event:
    return Event.objects.create(
        slug=slug,
        title=title,
        starts_at=starts,
        ends_at=starts + datetime.timedelta(hours=3),
        venue="VUV, Aachen",
        cancelled_at=starts if cancelled else None,
    )


def register(event: Event, user, status: str, *, attended: bool | None = None) -> Registration:
    return Registration.objects.create(
        event=event, user=user, status=status, registered_at=event.starts_at - datetime.timedelta(days=10),
        attended=attended,
    )  # fmt: skip


@dataclass
class Quarter:
    """What the fixture holds for the second quarter of 2015, and the figures it should give."""

    world: object
    projects: dict[str, Project] = field(default_factory=dict)
    escalations: dict[str, Escalation] = field(default_factory=dict)
    votes: dict[str, Vote] = field(default_factory=dict)
    event: Event | None = None


def build_quarter(world) -> Quarter:
    people = world.people
    fachkraefte = Theme.objects.create(slug="fachkraefte", name="Fachkräfte", name_en="Skilled workers")
    kommunikation = Theme.objects.create(slug="kommunikation", name="Kommunikation", name_en="Communication")
    Body.objects.filter(pk=world.group.pk).update(theme=fachkraefte)
    Body.objects.filter(pk=world.other_group.pk).update(theme=kommunikation)
    quarter = Quarter(world=world)
    group, other = world.group, world.other_group

    # AG Fachkräfte: Alpha moves three times and ends, Beta starts, Delta runs quietly (one task with a
    # due date done), Gamma was cancelled long before (left out).
    quarter.projects["alpha"] = make_project(
        group,
        "Alpha",
        [(at(2015, 2, 10), "idea"), (at(2015, 3, 1), "planning"), (at(2015, 4, 15), "execution"),
         (at(2015, 5, 20), "review"), (at(2015, 6, 25), "completed")],
    )  # fmt: skip
    quarter.projects["beta"] = make_project(
        group, "Beta", [(at(2015, 4, 10), "idea"), (at(2015, 7, 5), "planning")]
    )
    quarter.projects["gamma"] = make_project(
        group, "Gamma", [(at(2014, 6, 1), "idea"), (at(2014, 9, 1), "cancelled")]
    )
    delta = quarter.projects["delta"] = make_project(
        group, "Delta", [(at(2015, 1, 5), "idea"), (at(2015, 2, 1), "planning")]
    )
    for title, due, done in (
        ("Partner benennen", datetime.date(2015, 5, 1), at(2015, 5, 3)),  # a milestone
        ("Notiz", None, at(2015, 5, 4)),  # no due date: not a milestone
        ("Ziele festhalten", datetime.date(2015, 3, 1), at(2015, 3, 2)),  # done before the period
    ):
        Task.objects.create(
            project=delta, title=title, due_date=due, status=Task.Status.DONE, completed_at=done
        )
    Task.objects.create(project=delta, title="Offen", due_date=datetime.date(2015, 5, 1))
    # AG Kommunikation: Epsilon starts, is planned and put on hold; Zeta starts after the period.
    quarter.projects["epsilon"] = make_project(
        other,
        "Epsilon",
        [(at(2015, 5, 2), "idea"), (at(2015, 5, 3), "planning"), (at(2015, 6, 1), "on_hold")],
    )
    quarter.projects["zeta"] = make_project(other, "Zeta", [(at(2015, 7, 2), "idea")])

    # Escalations: E1 submitted and approved in May (its vote passed), E2 all in January (left out),
    # E3 drafted in June by the other group.
    chair = people["chair"]
    electors = [UserFactory() for _i in range(10)]
    quarter.votes["v1"] = make_vote(
        title="Jobticket für alle?", origin=group, opened=at(2015, 5, 10), closes=at(2015, 5, 30),
        closed=True, passed=True, electors=electors, cast=[at(2015, 5, 12)] * 6,
    )  # fmt: skip
    quarter.votes["v2"] = make_vote(
        title="Schwerpunkt 2016", origin=None, opened=at(2015, 6, 20), closes=at(2015, 7, 10), closed=False,
        passed=None, electors=electors[:8], cast=[at(2015, 6, 21)] * 3 + [at(2015, 7, 2)],
    )  # fmt: skip
    quarter.votes["v3"] = make_vote(
        title="Alte Frage", origin=group, opened=at(2015, 2, 1), closes=at(2015, 3, 1), closed=True,
        passed=False, electors=electors[:4], cast=[at(2015, 2, 2)] * 2,
    )  # fmt: skip
    for key, body, title, steps, vote in (
        ("e1", group, "Jobticket ins Forum", [(at(2015, 5, 1), "draft"), (at(2015, 5, 3), "submitted"),
                                              (at(2015, 5, 10), "approved")], quarter.votes["v1"]),
        ("e2", group, "Alter Streit", [(at(2015, 1, 10), "draft"), (at(2015, 1, 20), "submitted")], None),
        ("e3", other, "Leerstand nutzen", [(at(2015, 6, 10), "draft")], None),
    ):  # fmt: skip
        escalation = Escalation.objects.create(
            workgroup=body, title=title, rationale="…", decision="…", created_by=chair, vote=vote
        )
        Escalation.objects.filter(pk=escalation.pk).update(created_at=steps[0][0])
        give_history(escalation, "escalation", steps)
        quarter.escalations[key] = escalation

    # Seals: one awarded, one expired, one revoked in the period; one awarded after it; one whose end
    # falls in the period but which was revoked before (neither expired nor revoked in the period).
    d = datetime.date
    holders = [OrganisationFactory(name=f"Siegelträger {i}") for i in range(5)]
    applicant = people["member"]
    make_seal(holders[0], applicant, awarded=d(2015, 4, 20), until=d(2017, 4, 19))
    make_seal(holders[1], applicant, awarded=d(2013, 6, 1), until=d(2015, 5, 31))
    make_seal(holders[2], applicant, awarded=d(2014, 1, 1), until=d(2016, 1, 1), revoked=at(2015, 6, 5))
    make_seal(holders[3], applicant, awarded=d(2015, 8, 1), until=d(2017, 7, 31))
    make_seal(holders[4], applicant, awarded=d(2013, 7, 1), until=d(2015, 6, 15), revoked=at(2015, 3, 1))

    # Events: the June meeting (4 confirmed, 3 of them came, 2 waiting, 1 cancelled); AUFBRUCH in
    # March (before); a cancelled one in May.
    june = quarter.event = make_event("juni-2015", "Treffen im Juni", at(2015, 6, 24, 16))
    guests = [UserFactory() for _i in range(7)]
    for i, user in enumerate(guests[:4]):
        register(june, user, Registration.Status.CONFIRMED, attended=i < 3)
    for user in guests[4:6]:
        register(june, user, Registration.Status.WAITING)
    register(june, guests[6], Registration.Status.CANCELLED)
    march = make_event("aufbruch-2015", "AUFBRUCH 2015", at(2015, 3, 24, 16))
    register(march, guests[0], Registration.Status.CONFIRMED, attended=True)
    register(make_event("abgesagt", "Abgesagt", at(2015, 5, 5), cancelled=True), guests[1], "confirmed")

    # The forum: u1 (company C1) throughout; u2 (C1) leaves in May; u3 (C2) joins in April; u4
    # (intermediary) throughout; u5 (C2) joins in July; a staff member is not counted as a member.
    c1, c2 = OrganisationFactory(name="C1 GmbH"), OrganisationFactory(name="C2 GmbH")
    i1 = OrganisationFactory(name="IHK", kind=Organisation.Kind.INTERMEDIARY)
    for organisation, joined, left, role in (
        (c1, at(2015, 1, 1), None, Role.MEMBER),
        (c1, at(2015, 2, 1), at(2015, 5, 15), Role.MEMBER),
        (c2, at(2015, 4, 20), None, Role.MEMBER),
        (i1, at(2015, 3, 1), None, Role.MEMBER),
        (c2, at(2015, 7, 10), None, Role.MEMBER),
        (None, at(2015, 1, 1), None, Role.STAFF),
    ):
        Membership.objects.create(
            body=world.forum, user=UserFactory(organisation=organisation), role=role, joined_at=joined,
            left_at=left,
        )  # fmt: skip
    return quarter


@pytest.fixture
def quarter(world) -> Quarter:
    return build_quarter(world)
