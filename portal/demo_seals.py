"""The seal in the demo: Philips holds it, Continental's application is in review, 3Win's seal of
2015 has expired; a second member of staff (Jonas Weber) so that the four-eyes rule can be tried."""

import datetime

from django.utils import timezone

from accounts.models import Organisation, User
from accounts.services import user_create
from seals.models import Application, Criterion, Seal
from seals.services import (
    application_create,
    application_propose,
    application_transition,
    criterion_review_set,
    seals_expire,
    statements_update,
)
from workgroups.models import Body, Membership, Role
from workgroups.services import membership_add

ADMINISTRATION = "Stadt Aachen, Fachbereich Wirtschaftsförderung / Europäische Angelegenheiten"
STATEMENTS = {
    Criterion.PRODUCTION: "Unsere Fertigung steht in Aachen; rund 1.600 Beschäftigte am Standort.",
    Criterion.TRAINING: "Von der IHK Aachen anerkannter Ausbildungsbetrieb in sechs Berufen.",
    Criterion.COOPERATION: "Partner im Projekt Jobticket und in der Ausstellung „Gesicht zeigen“.",
    Criterion.DIALOGUE: "Gastgeber von AUFBRUCH 2015, Mitglied im Forum und in zwei Arbeitsgruppen.",
}


def seed_seals(*, people: dict[str, User], bodies: dict[str, Body], with_password: bool) -> dict:
    """Create the demo's seals and applications once."""
    from .demo import DEMO_PASSWORD

    staff = people["eva.klein@example.org"]
    second = User.objects.filter(email="jonas.weber@example.org").first() or user_create(
        email="jonas.weber@example.org",
        password=DEMO_PASSWORD if with_password else None,
        first_name="Jonas",
        last_name="Weber",
        organisation=Organisation.objects.get(name=ADMINISTRATION),
    )
    forum = bodies["forum"]
    if not Membership.objects.filter(body=forum, user=second, left_at__isnull=True).exists():
        membership_add(body=forum, user=second, role=Role.STAFF)
    philips = _awarded(people["david.wagner@example.org"], staff, second)
    in_review = _in_review(people["ben.schmitz@example.org"], staff)
    expired = _expired(people["anna.becker@example.org"], staff, second)
    return {"second_staff": second, "philips": philips, "in_review": in_review, "expired": expired}


def _submitted(applicant: User, staff: User) -> Application:
    application = application_create(organisation=applicant.organisation, actor=applicant)
    statements_update(application=application, actor=applicant, texts=dict(STATEMENTS))
    application_transition(application=application, actor=applicant, name="submit")
    application_transition(application=application, actor=staff, name="start_review")
    application.refresh_from_db()
    return application


def _award(applicant: User, staff: User, second: User) -> Seal:
    application = _submitted(applicant, staff)
    for criterion in Criterion.values:
        criterion_review_set(
            application=application, actor=staff, criterion=criterion, met=True, comment="belegt"
        )
    application_propose(application=application, actor=staff, decision="award")
    application_transition(application=application, actor=second, name="award")
    return Seal.objects.get(application=application)


def _awarded(applicant: User, staff: User, second: User) -> Seal:
    return Seal.objects.filter(organisation=applicant.organisation).first() or _award(
        applicant, staff, second
    )


def _in_review(applicant: User, staff: User) -> Application:
    return Application.objects.filter(organisation=applicant.organisation).first() or _submitted(
        applicant, staff
    )


def _expired(applicant: User, staff: User, second: User) -> Seal:
    seal = Seal.objects.filter(organisation=applicant.organisation).first()
    if seal is None:
        seal = _award(applicant, staff, second)
        # The demo's history: awarded after the follow-up meeting of 24 June 2015, two years.
        Seal.objects.filter(pk=seal.pk).update(
            valid_from=datetime.date(2015, 6, 24),
            valid_until=datetime.date(2017, 6, 23),
            awarded_at=timezone.make_aware(datetime.datetime(2015, 6, 24, 12)),
        )
        seals_expire()
        seal.refresh_from_db()
    return seal
