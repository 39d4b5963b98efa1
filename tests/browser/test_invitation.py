import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from tests.browser.conftest import login


@pytest.fixture
def world(transactional_db):
    from tests.world import build_world

    return build_world()


def test_chair_invites_a_new_address_who_registers_through_the_mailed_link_and_sees_the_group(
    browser, live_server, page, world
):
    login(page, "chair@example.org")
    page.goto(world.group.get_absolute_url())
    page.get_by_label("E-Mail-Adresse der Person").fill("nora.neumann@example.org")
    page.get_by_role("button", name="Einladen").click()
    expect(page.get_by_text("Einladung verschickt.")).to_be_visible()
    row = page.get_by_role("row", name=re.compile("nora.neumann@example.org"))
    expect(row.get_by_text("offen")).to_be_visible()

    (message,) = [m for m in mail.outbox if m.to == ["nora.neumann@example.org"]]
    link = re.search(r"https?://\S+(/groups/join/\S+/)", message.body).group(1)

    newcomer = browser.new_context(base_url=live_server.url, locale="de-DE")
    nora = newcomer.new_page()
    nora.goto(link)
    expect(nora.get_by_role("heading", name="Einladung in AG Fachkräfte")).to_be_visible()
    nora.get_by_label("Vorname").fill("Nora")
    nora.get_by_label("Nachname").fill("Neumann")
    nora.locator("#id_password1").fill("Kaiserpfalz-2015!")
    nora.get_by_label("Passwort wiederholen").fill("Kaiserpfalz-2015!")
    nora.get_by_label("Neue Organisation vorschlagen").fill("Printen Manufaktur Aachen")
    nora.get_by_role("button", name="Registrieren und beitreten").click()
    expect(nora.get_by_text("Willkommen in AG Fachkräfte.")).to_be_visible()
    expect(nora.get_by_role("heading", name="AG Fachkräfte", level=1)).to_be_visible()
    expect(nora.get_by_role("link", name="Jobticket")).to_be_visible()

    nora.goto(link)  # the link worked once
    expect(nora.get_by_text("Diese Einladung wurde bereits angenommen.", exact=False)).to_be_visible()
    newcomer.close()

    page.reload()
    expect(page.get_by_role("row", name=re.compile("Nora Neumann")).get_by_text("angenommen")).to_be_visible()
