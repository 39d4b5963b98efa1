"""A visitor's whole site, in German and English: every page reachable by links from the front page
is valid HTML (Nu Html Checker) and has no serious or critical axe-core violation."""

import pytest

from tests.browser.checkers import (
    axe_violations,
    checking_context,
    crawl,
    require_axe,
    require_vnu,
    vnu_errors,
)
from tests.public.support import build_public_world


@pytest.fixture
def public_world(transactional_db):
    return build_public_world()


def switch_language(page, code: str, button: str) -> None:
    page.get_by_label({"en": "Sprache", "de": "Language"}[code]).select_option(code)
    page.get_by_role("button", name=button).click()
    page.wait_for_function(f"document.documentElement.lang === '{code}'")


def test_visitor_pages_are_valid_and_accessible_in_both_languages(browser, live_server, public_world):
    require_vnu()
    require_axe()
    documents, violations, broken = {}, [], []
    for language in ("de", "en"):
        context = checking_context(browser, live_server.url)
        page = context.new_page()
        page.set_default_timeout(15_000)
        page.goto("/")
        if language == "en":
            switch_language(page, "en", "Sprache wechseln")
        pages = crawl(page, "/")
        context.close()
        documents |= {f"{language} {p.path}": p.html for p in pages if p.html}
        violations += [f"{language} {line}" for p in pages for line in p.axe]
        broken += [f"{language} {p.path} answered {p.status}" for p in pages if p.status != 200]
    for path in ("/", "/initiative/", "/initiative/groups/", "/initiative/organisations/"):
        assert f"de {path}" in documents and f"en {path}" in documents
    assert '<html lang="en">' in documents["en /initiative/groups/"]
    assert broken == [], "\n".join(broken)
    assert violations == [], "\n".join(violations)
    errors = vnu_errors(documents)
    assert errors == [], "\n".join(errors)


def test_visitor_reads_the_public_project_and_switches_back_to_german(page, public_world):
    page.goto("/")
    page.get_by_role("navigation", name="Hauptnavigation").get_by_role("link", name="Arbeitsgruppen").click()
    project = page.locator(f"[data-project='{public_world.public_project.pk}']")
    assert public_world.shown["summary"] in project.inner_text()
    switch_language(page, "en", "Sprache wechseln")
    assert "Skilled workers" in page.locator("main").inner_text()
    switch_language(page, "de", "Switch language")
    assert "Fachkräfte" in page.locator("main").inner_text()


def test_checkers_report_an_invalid_and_inaccessible_page(browser):
    """The two checkers are not vacuous: a page with a stray end tag and an unlabelled image fails both."""
    require_vnu()
    require_axe()
    bad = '<!doctype html><html lang="de"><title>x</title><p>Text</div><img src="data:,">'
    errors = vnu_errors({"bad": bad, "good": '<!doctype html><html lang="de"><title>x</title><p>Text'})
    assert errors and all(error.startswith("bad:") for error in errors)
    context = browser.new_context(bypass_csp=True)
    page = context.new_page()
    page.set_content(bad)
    assert any("image-alt" in line for line in axe_violations(page))
    context.close()
