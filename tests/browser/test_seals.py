"""A company's representative applies for the seal with evidence and sees its state; a visitor checks
Philips' seal on its verification page."""

import pytest

from seals.models import Application, Evidence, Seal
from tests.browser.conftest import login
from tests.seals.conftest import STATEMENTS, tiny_pdf

pytestmark = pytest.mark.django_db(transaction=True)


def test_representative_applies_with_evidence(page, demo, tmp_path, settings):
    settings.PRIVATE_MEDIA_ROOT = tmp_path
    settings.STORAGES = {
        **settings.STORAGES,
        "private": {**settings.STORAGES["private"], "OPTIONS": {"location": tmp_path, "base_url": None}},
    }
    pdf = tmp_path / "IHK-Urkunde.pdf"
    pdf.write_bytes(tiny_pdf("Anerkannter Ausbildungsbetrieb"))
    login(page, "carla.hoffmann@example.org")
    page.get_by_role("link", name="Siegel", exact=True).click()
    page.get_by_role("button", name="Siegel beantragen").click()
    page.get_by_role("link", name="Darlegungen bearbeiten").click()
    for criterion, text in STATEMENTS.items():
        page.get_by_label(str(criterion.label)).fill(text)
    page.get_by_role("button", name="Speichern").click()
    page.get_by_label("Kriterium").select_option("training")
    page.get_by_label("Datei").set_input_files(str(pdf))
    page.get_by_role("button", name="Hochladen").click()
    assert page.get_by_role("link", name="IHK-Urkunde.pdf").is_visible()
    page.get_by_role("button", name="Einreichen").click()
    page.wait_for_selector('[data-application-state][data-state="submitted"]')
    assert "Eingereicht" in page.locator("[data-application-state]").inner_text()
    application = Application.objects.get(organisation__name="Brammertz Schreinerei")
    assert application.state == "submitted"
    assert Evidence.objects.get(application=application).content_type == "application/pdf"


def test_visitor_checks_a_seal(page, demo):
    seal = Seal.objects.get(organisation__name="Philips GmbH")
    page.goto("/siegel/")
    page.get_by_role("link", name="Siegel von Philips GmbH prüfen").click()
    assert page.get_by_role("heading", name="Das Siegel ist gültig.").is_visible()
    assert "gültig" in page.locator("[data-status]").inner_text()
    assert page.url.endswith(f"/siegel/{seal.public_id}/")
