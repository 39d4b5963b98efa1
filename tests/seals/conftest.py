"""People around one company's seal application, evidence files, and private storage in a temp dir."""

import io
from dataclasses import dataclass

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from accounts.models import Organisation, User
from seals.models import Application, Criterion
from seals.services import (
    application_create,
    application_propose,
    application_transition,
    criterion_review_set,
    statements_update,
)
from tests.factories import OrganisationFactory, UserFactory
from workgroups.models import Role
from workgroups.services import membership_add

PEOPLE = ["applicant", "colleague", "other_company", "staff", "second_staff", "admin", "anonymous"]


def tiny_pdf(text: str = "Nachweis") -> bytes:
    """A small, real one-page PDF (built with reportlab, which the reports use too)."""
    from reportlab.pdfgen import canvas

    buffer = io.BytesIO()
    page = canvas.Canvas(buffer)
    page.drawString(72, 720, text)
    page.save()
    return buffer.getvalue()


def tiny_png() -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), (0, 90, 160)).save(buffer, format="PNG")
    return buffer.getvalue()


def pdf_upload(name: str = "Ausbildung.pdf", content: bytes | None = None) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content if content is not None else tiny_pdf(), "application/pdf")


@dataclass
class SealWorld:
    company: Organisation
    other_company: Organisation
    people: dict[str, User | None]
    world: object


@pytest.fixture(autouse=True)
def private_media(tmp_path, settings):
    root = tmp_path / "private"
    root.mkdir()
    settings.PRIVATE_MEDIA_ROOT = root
    settings.STORAGES = {
        **settings.STORAGES,
        "private": {**settings.STORAGES["private"], "OPTIONS": {"location": root, "base_url": None}},
    }
    return root


@pytest.fixture
def seals_world(world) -> SealWorld:
    company = OrganisationFactory(name="Printen Lambertz GmbH", kind=Organisation.Kind.COMPANY)
    other_company = OrganisationFactory(name="Zentis GmbH", kind=Organisation.Kind.COMPANY)
    second_staff = UserFactory(email="jonas.weber@example.org", first_name="Jonas", last_name="Weber")
    membership_add(body=world.forum, user=second_staff, role=Role.STAFF)
    people = {
        "applicant": UserFactory(email="antrag@printen.example", first_name="Paula", organisation=company),
        "colleague": UserFactory(email="kollege@printen.example", first_name="Karl", organisation=company),
        "other_company": UserFactory(
            email="andere@zentis.example", first_name="Olga", organisation=other_company
        ),
        "staff": world.people["staff"],
        "second_staff": second_staff,
        "admin": world.people["admin"],
        "anonymous": None,
    }
    return SealWorld(company=company, other_company=other_company, people=people, world=world)


STATEMENTS = {
    Criterion.PRODUCTION: "Wir backen seit 1820 in Aachen.",
    Criterion.TRAINING: "IHK-anerkannter Ausbildungsbetrieb, 12 Auszubildende.",
    Criterion.COOPERATION: "Partner im Projekt Jobticket.",
    Criterion.DIALOGUE: "Mitglied der AG Fachkräfte.",
}


def draft(sw: SealWorld, **kwargs) -> Application:
    application = application_create(organisation=sw.company, actor=sw.people["applicant"], **kwargs)
    statements_update(application=application, actor=sw.people["applicant"], texts=dict(STATEMENTS))
    return application


def submitted(sw: SealWorld, **kwargs) -> Application:
    application = draft(sw, **kwargs)
    application_transition(application=application, actor=sw.people["applicant"], name="submit")
    application.refresh_from_db()
    return application


def in_review(sw: SealWorld, **kwargs) -> Application:
    application = submitted(sw, **kwargs)
    application_transition(application=application, actor=sw.people["staff"], name="start_review")
    application.refresh_from_db()
    return application


def reviewed(sw: SealWorld, *, met: bool = True, reviewer: str = "staff", **kwargs) -> Application:
    application = in_review(sw, **kwargs)
    for criterion in Criterion.values:
        ok = met or criterion != Criterion.TRAINING
        criterion_review_set(
            application=application,
            actor=sw.people[reviewer],
            criterion=criterion,
            met=ok,
            comment="" if ok else "Kein Nachweis der IHK.",
        )
    return application


def proposed(sw: SealWorld, *, met: bool = True, **kwargs) -> Application:
    application = reviewed(sw, met=met, **kwargs)
    application_propose(
        application=application,
        actor=sw.people["staff"],
        decision="award" if met else "refuse",
        comment="" if met else "Ausbildung nicht belegt.",
    )
    application.refresh_from_db()
    return application


def awarded(sw: SealWorld, **kwargs) -> Application:
    application = proposed(sw, **kwargs)
    application_transition(application=application, actor=sw.people["second_staff"], name="award")
    application.refresh_from_db()
    return application
