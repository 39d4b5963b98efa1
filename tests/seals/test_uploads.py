"""Evidence uploads: only real PDF, PNG or JPEG within the size limit and with a plain name; a refused
file leaves nothing behind; a stored file goes only to those who may see the application."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from seals.models import Evidence

from .conftest import draft, pdf_upload, tiny_pdf, tiny_png

pytestmark = pytest.mark.django_db

ELF = b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 200
MZ = b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 200
HTML = b"<!doctype html><html><body><script>alert(1)</script></body></html>"
BAD = [
    ("ELF executable named .pdf", "Bilanz.pdf", ELF, "Programm"),
    ("Windows executable named .pdf", "Zertifikat.pdf", MZ, "Programm"),
    ("HTML named .pdf", "IHK.pdf", HTML, "kein PDF, PNG, JPEG"),
    ("path characters", "../../etc/passwd.pdf", None, "unzulässige Zeichen"),
    ("backslash", "..\\boot.pdf", None, "unzulässige Zeichen"),
    ("control character", "Nachweis\x07.pdf", None, "unzulässige Zeichen"),
    ("oversized", "Gross.pdf", b"big", "zu groß"),
    ("truncated PDF", "Kaputt.pdf", b"%PDF-1.4\n1 0 obj\n<<>>\n", "beschädigt"),
]


BOUNDARY = "----siegelgrenze"


def multipart(fields: dict[str, str], name: str, content: bytes) -> bytes:
    """A multipart body written by hand: Django's test client would trim the file name before sending."""
    parts = [
        f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="{key}"\r\n\r\n{value}\r\n'.encode()
        for key, value in fields.items()
    ]
    parts.append(
        f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="{name}"\r\n'
        "Content-Type: application/pdf\r\n\r\n".encode()
        + content
        + b"\r\n"
    )
    return b"".join(parts) + f"--{BOUNDARY}--\r\n".encode()


def post_upload(client, url, name, content, settings):
    upload = upload_for(name, content, settings)
    body = multipart({"criterion": "training"}, name, upload.read())
    return client.generic("POST", url, body, content_type=f"multipart/form-data; boundary={BOUNDARY}")


def stored_files(root) -> list:
    return [p for p in root.rglob("*") if p.is_file()]


def upload_for(name, content, settings):
    if content == b"big":
        settings.SEAL_EVIDENCE_MAX_BYTES = 1024
        content = tiny_pdf("x" * 2000)  # a real PDF, only too large
    return SimpleUploadedFile(name, content if content is not None else tiny_pdf(), "application/pdf")


@pytest.mark.parametrize(("case", "name", "content", "message"), BAD, ids=[b[0] for b in BAD])
def test_page_refuses_bad_upload_and_stores_nothing(
    seals_world, private_media, settings, case, name, content, message
):
    application = draft(seals_world)
    client = Client()
    client.force_login(seals_world.people["applicant"])
    response = post_upload(
        client, reverse("seals:evidence_upload", kwargs={"pk": application.pk}), name, content, settings
    )
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Evidence.objects.exists()
    assert stored_files(private_media) == []


@pytest.mark.parametrize(("case", "name", "content", "message"), BAD, ids=[b[0] for b in BAD])
def test_api_refuses_bad_upload_and_stores_nothing(
    seals_world, private_media, settings, case, name, content, message
):
    application = draft(seals_world)
    client = APIClient()
    client.force_login(seals_world.people["applicant"])
    response = post_upload(
        client, f"/api/v1/seal-applications/{application.pk}/evidence/", name, content, settings
    )
    assert response.status_code == 400
    assert message in " ".join(response.json()["file"])
    assert not Evidence.objects.exists()
    assert stored_files(private_media) == []


def test_real_pdf_and_png_are_stored_under_a_random_name(seals_world, private_media):
    application = draft(seals_world)
    client = APIClient()
    client.force_login(seals_world.people["applicant"])
    for name, content in (("Ausbildung.pdf", tiny_pdf()), ("Werk.PNG", tiny_png())):
        response = client.post(
            f"/api/v1/seal-applications/{application.pk}/evidence/",
            {"criterion": "production", "file": SimpleUploadedFile(name, content)},
            format="multipart",
        )
        assert response.status_code == 201, response.json()
    files = stored_files(private_media)
    assert len(files) == 2
    assert all(f.name not in ("Ausbildung.pdf", "Werk.PNG") for f in files)
    assert sorted(Evidence.objects.values_list("content_type", flat=True)) == ["application/pdf", "image/png"]


def test_evidence_download_is_an_attachment_for_viewers_and_404_for_everyone_else(seals_world):
    from seals.services import evidence_add

    application = draft(seals_world)
    evidence = evidence_add(
        application=application,
        actor=seals_world.people["applicant"],
        criterion="training",
        upload=pdf_upload(),
    )
    url = reverse("seals:evidence", kwargs={"pk": application.pk, "evidence_pk": evidence.pk})
    for person in ("applicant", "colleague", "staff", "second_staff", "admin"):
        client = Client()
        client.force_login(seals_world.people[person])
        response = client.get(url)
        assert response.status_code == 200, person
        assert response["Content-Disposition"].startswith("attachment")
        assert response["X-Content-Type-Options"] == "nosniff"
        assert b"".join(response.streaming_content).startswith(b"%PDF-")
    outsider = Client()
    outsider.force_login(seals_world.people["other_company"])
    assert outsider.get(url).status_code == 404
    assert Client().get(url).status_code == 404
    other = reverse("seals:evidence", kwargs={"pk": application.pk + 1, "evidence_pk": evidence.pk})
    staff = Client()
    staff.force_login(seals_world.people["staff"])
    assert staff.get(other).status_code == 404


def test_organisation_logo_is_checked_by_content(seals_world, private_media):
    from django.core.exceptions import ValidationError

    from seals.services import organisation_logo_set

    with pytest.raises(ValidationError, match="kein PNG, JPEG"):
        organisation_logo_set(
            organisation=seals_world.company,
            actor=seals_world.people["applicant"],
            upload=SimpleUploadedFile("logo.png", tiny_pdf()),
        )
    assert stored_files(private_media) == []
    organisation_logo_set(
        organisation=seals_world.company,
        actor=seals_world.people["applicant"],
        upload=SimpleUploadedFile("logo.png", tiny_png()),
    )
    seals_world.company.refresh_from_db()
    assert seals_world.company.logo.name.startswith("logos/") and seals_world.company.logo.name.endswith(
        ".png"
    )


def test_company_sets_its_logo_on_its_seal_page_and_a_renamed_executable_is_refused(
    seals_world, private_media
):
    from django.core.files.uploadedfile import SimpleUploadedFile as Upload

    client = Client()
    client.force_login(seals_world.people["applicant"])
    url = reverse("seals:logo_set")

    refused = client.post(url, {"logo": Upload("logo.png", ELF)})
    assert refused.status_code == 400
    assert "PNG oder JPEG" in refused.content.decode()
    assert stored_files(private_media) == []

    saved = client.post(url, {"logo": Upload("logo.png", tiny_png())})
    assert saved.status_code == 302
    seals_world.company.refresh_from_db()
    assert seals_world.company.logo.name.startswith("logos/")
    assert len(stored_files(private_media)) == 1

    # Someone from another company sets their own company's logo, never this one's.
    before = seals_world.company.logo.name
    other = Client()
    other.force_login(seals_world.people["other_company"])
    assert other.post(url, {"logo": Upload("logo.png", tiny_png())}).status_code == 302
    seals_world.company.refresh_from_db()
    seals_world.other_company.refresh_from_db()
    assert seals_world.company.logo.name == before
    assert seals_world.other_company.logo.name.startswith("logos/")
    assert Client().post(url, {"logo": Upload("logo.png", tiny_png())}).status_code == 302  # to sign-in
    assert len(stored_files(private_media)) == 2
