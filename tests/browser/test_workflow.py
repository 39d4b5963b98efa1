"""A chair takes a workflow step with a comment on the project page; it updates without a reload."""

from playwright.sync_api import expect

from tests.browser.conftest import login


def test_chair_puts_the_project_on_hold_and_sees_state_history_and_diagram_change(page, demo):
    project = demo["projects"]["jobticket"]
    login(page, "anna.becker@example.org")
    page.goto(project.get_absolute_url())
    panel = page.locator(".workflow-panel")
    expect(panel.locator(".workflow-state strong")).to_have_text(
        "Bedarfsermittlung (Befragung der Beschäftigten)"
    )
    expect(panel.locator('svg g.wf-current[data-state="needs_assessment"]')).to_have_count(1)
    # The blocked step says why instead of hiding.
    expect(panel).to_contain_text("offene Aufgaben")
    page.evaluate("window.notReloaded = true")

    hold = panel.locator("form", has=page.locator('input[value="hold"]'))
    hold.get_by_label("Kommentar").fill("Wir warten auf das Angebot des Verkehrsverbunds.")
    hold.get_by_role("button", name="Pausieren").click()

    expect(panel.locator(".workflow-state strong")).to_have_text("Pausiert")
    latest = panel.locator(".workflow-history li").first
    expect(latest).to_contain_text("Pausieren")
    expect(latest).to_contain_text("Wir warten auf das Angebot des Verkehrsverbunds.")
    expect(panel.locator('svg g.wf-current[data-state="on_hold"]')).to_have_count(1)
    assert page.evaluate("window.notReloaded") is True

    page.reload()
    expect(page.locator(".workflow-panel .workflow-state strong")).to_have_text("Pausiert")
