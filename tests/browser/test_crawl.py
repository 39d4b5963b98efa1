"""Every page a chair, a member, a forum-only member, staff and a visitor reach by links in the demo
data, at 1280 px and at 360 px: valid HTML (Nu Html Checker), no serious or critical axe-core
violation, no page wider than a phone's screen, and no link that answers 404 or 500.

Downloads (calendar files, PDFs, badges, exports, evidence) only get their status checked. After
the first few pages of one URL pattern (/projects/<id>/ ...) the rest only get their status checked,
so the crawl stays at a few minutes while a page that later issues add is covered by its pattern."""

import pytest

from tests.browser.checkers import (
    axe_violations,
    checking_context,
    crawl,
    require_axe,
    require_vnu,
    vnu_errors,
)
from tests.browser.conftest import login

# Minutes of browsing: once per CI run is enough, in the run with the real database and services.
pytestmark = pytest.mark.services

WIDE = {"width": 1280, "height": 900}
PHONE = {"width": 360, "height": 740}
PER_PATTERN = 2

READERS = {
    "chair": "anna.becker@example.org",
    "member": "ben.schmitz@example.org",
    "forum member": "felix.meyer@example.org",
    "staff": "eva.klein@example.org",
    "visitor": None,
}

# The innermost elements that stick out on the right (not those an ancestor scrolls or clips).
OVERFLOW_JS = """() => {
  const width = window.innerWidth;
  if (document.documentElement.scrollWidth <= width) return [];
  const out = el => el.getBoundingClientRect().right > width + 1;
  const clipped = el => {
    for (let up = el.parentElement; up && up !== document.body; up = up.parentElement) {
      if (getComputedStyle(up).overflowX !== 'visible') return true;
    }
    return false;
  };
  const classes = el => typeof el.className === 'string' ? el.className.trim().split(/\\s+/) : [];
  const name = el => [el.tagName.toLowerCase() + (el.id ? '#' + el.id : ''), ...classes(el)].join('.');
  const wide = [...document.body.querySelectorAll('*')].filter(
    el => out(el) && !clipped(el) && ![...el.children].some(child => out(child) && !clipped(child)));
  return [document.documentElement.scrollWidth + ' px wide'].concat(wide.slice(0, 4).map(name));
}"""


def is_state_change(path: str) -> bool:
    """Links that would change what the reader is (signing out) are not followed."""
    return path.startswith("/accounts/logout")


@pytest.mark.parametrize("reader", list(READERS))
def test_every_page_a_reader_reaches_is_valid_accessible_and_fits_a_phone(browser, live_server, demo, reader):
    require_vnu()
    require_axe()
    wide = checking_context(browser, live_server.url, viewport=WIDE)
    page = wide.new_page()
    page.set_default_timeout(15_000)
    if READERS[reader]:
        login(page, READERS[reader])
        page.wait_for_url("**/dashboard/**")
    pages = crawl(page, "/", skip=is_state_change, per_pattern=PER_PATTERN, limit=600)
    state = wide.storage_state()
    wide.close()

    broken = [f"{p.path} answered {p.status} (linked from {p.found_on})" for p in pages if p.status != 200]
    opened = [p for p in pages if p.html]
    violations = [f"1280 px {line}" for p in opened for line in p.axe]
    too_wide = []
    phone = checking_context(browser, live_server.url, viewport=PHONE, storage_state=state)
    page = phone.new_page()
    page.set_default_timeout(15_000)
    for checked in opened:
        page.goto(checked.path)
        sticking_out = page.evaluate(OVERFLOW_JS)
        if sticking_out:
            too_wide.append(f"{checked.path}: {', '.join(sticking_out)}")
        violations += [f"360 px {line}" for line in axe_violations(page)]
    phone.close()

    if reader != "visitor":
        assert any(p.path.startswith("/projects/") for p in opened), "the crawl never got past the sign-in"
    errors = vnu_errors({p.path: p.html for p in opened})
    problems = broken + too_wide + violations + errors
    assert problems == [], f"{len(problems)} problems for the {reader}:\n" + "\n".join(problems)
