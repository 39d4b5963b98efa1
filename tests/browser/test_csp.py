"""The Content-Security-Policy allows what the pages need and nothing is refused in a real Chromium."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import login

RECORD_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  const where = `${event.sourceFile}:${event.lineNumber}`;
  window.__cspViolations.push(`${event.violatedDirective} ${event.blockedURI} ${where}`);
});
"""


@pytest.fixture
def watched_page(page):
    """The page, recording CSP violations from events and from Chromium's console."""
    console = []
    page.on(
        "console",
        lambda message: console.append(message.text) if "Content Security Policy" in message.text else None,
    )
    page.add_init_script(RECORD_VIOLATIONS)
    page.csp_console = console
    return page


def violations(page) -> list[str]:
    return [*page.evaluate("window.__cspViolations || []"), *page.csp_console]


def test_main_pages_load_without_a_csp_violation(watched_page, demo):
    page = watched_page
    project = demo["projects"]["jobticket"]
    page.goto("/accounts/login/")
    assert "default-src 'self'" in page.request.get("/accounts/login/").headers["content-security-policy"]
    assert violations(page) == []

    login(page, "ben.schmitz@example.org")
    expect(page.get_by_role("heading", name=re.compile("Willkommen"))).to_be_visible()
    assert violations(page) == []

    for path in (f"/projects/{project.pk}/", "/accounts/profile/", "/notifications/"):
        page.goto(path)
        expect(page.locator("main")).to_be_visible()
        assert violations(page) == [], path

    page.goto(f"/projects/{project.pk}/board/")
    card = page.locator("article.task-card", has_text="Tarifmodelle anderer Städte vergleichen")
    card.get_by_label(re.compile("Status von")).select_option("done")
    card.get_by_role("button", name="Verschieben").click()
    expect(
        page.locator("[data-status=done]").locator("article.task-card", has_text="Tarifmodelle")
    ).to_have_count(1)
    assert violations(page) == []


def test_api_docs_render_under_the_csp(watched_page, demo):
    page = watched_page
    login(page, "ben.schmitz@example.org")
    expect(page.get_by_role("heading", name=re.compile("Willkommen"))).to_be_visible()
    page.goto("/api/docs/")
    expect(page.locator(".swagger-ui .information-container")).to_be_visible()
    expect(page.get_by_text("/api/v1/auth/token/").first).to_be_visible()
    assert violations(page) == []
