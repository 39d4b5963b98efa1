"""Page checkers for the browser tests, loaded from disk (`make checkers`): the Nu Html Checker
(vnu-jar, run offline with the machine's Java) and axe-core (injected into the page), plus a crawl
that visits every same-site page reachable by links.

    context = checking_context(browser, live_server.url)   # bypasses the CSP for axe's script
    pages = crawl(context.new_page(), "/")                  # [CheckedPage(path, status, html, axe)]
    assert vnu_errors({p.path: p.html for p in pages}) == []
    assert [v for p in pages for v in p.axe] == []

A missing checker skips on a person's machine and fails in CI (conftest.require).
"""

import json
import re
import shutil
import subprocess
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urldefrag, urlsplit

from conftest import require

ROOT = Path(__file__).resolve().parents[2]
VNU_JAR = ROOT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
AXE_JS = ROOT / "node_modules" / "axe-core" / "axe.min.js"
SERIOUS = frozenset({"serious", "critical"})
# Paths a crawl never follows: files, the admin, the API and its docs (JSON, Swagger's own markup).
NOT_CRAWLED = ("/static/", "/media/", "/admin/", "/api/")


def require_vnu() -> None:
    require(VNU_JAR.exists(), f"the Nu Html Checker is missing ({VNU_JAR}); run `make checkers`")
    require(
        shutil.which("java") is not None,
        "Java is missing; the Nu Html Checker needs it (apt install default-jre)",
    )


def require_axe() -> None:
    require(AXE_JS.exists(), f"axe-core is missing ({AXE_JS}); run `make checkers`")


def vnu_errors(documents: dict[str, str], *, timeout: float = 300) -> list[str]:
    """Every error the Nu Html Checker finds in `documents` (name -> HTML), as "name:line:column:
    message"; all documents go through one Java start (about two seconds each start)."""
    require_vnu()
    if not documents:
        return []
    with tempfile.TemporaryDirectory(prefix="vnu-") as folder:
        names = {}
        for number, (name, html) in enumerate(documents.items()):
            path = Path(folder, f"page-{number:04d}.html")
            path.write_text(html, encoding="utf-8")
            names[path.name] = name
        result = subprocess.run(
            ["java", "-jar", str(VNU_JAR), "--format", "json", "--stdout", *sorted(Path(folder).iterdir())],
            capture_output=True,
            text=True,
            timeout=timeout,
        )
    try:
        messages = json.loads(result.stdout)["messages"]
    except (ValueError, KeyError) as exc:
        raise AssertionError(
            f"the Nu Html Checker gave no JSON ({result.returncode}): {result.stderr[:500]}"
        ) from exc
    errors = []
    for message in messages:
        if message.get("type") not in ("error", "non-document-error"):
            continue
        name = names.get(Path(urlsplit(message.get("url", "")).path).name, message.get("url", "?"))
        where = f"{name}:{message.get('lastLine', '?')}:{message.get('firstColumn', '?')}"
        errors.append(f"{where}: {message.get('message')} [{message.get('extract', '').strip()}]")
    return errors


def checking_context(browser, base_url: str, **options):
    """A browser context axe can run in: the site's strict Content-Security-Policy would refuse the
    injected script, so this context bypasses it (only for checking, never for behaviour tests)."""
    return browser.new_context(base_url=base_url, bypass_csp=True, **{"locale": "de-DE", **options})


def axe_violations(page, *, impacts: frozenset[str] = SERIOUS) -> list[str]:
    """axe-core's violations of the given impacts on the page as it stands, one line each."""
    require_axe()
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE_JS))
    result = page.evaluate("() => axe.run(document, {resultTypes: ['violations']})")
    path = urlsplit(page.url).path
    return [
        f"{path}: {violation['id']} ({violation['impact']}): {violation['help']} at "
        + ", ".join(" ".join(node["target"]) for node in violation["nodes"][:5])
        for violation in result["violations"]
        if violation["impact"] in impacts
    ]


@dataclass
class CheckedPage:
    path: str
    status: int
    html: str = ""
    axe: list[str] = field(default_factory=list)
    links: list[str] = field(default_factory=list)
    found_on: str = ""
    problems: list[str] = field(default_factory=list)


_ID_SEGMENT = re.compile(r"^(\d+|[0-9a-f]{8}-[0-9a-f-]{27})$")


def url_pattern(path: str) -> str:
    """The path with its numeric and UUID segments replaced and query values dropped:
    /projects/7/board/?page=2 -> /projects/<id>/board/?page"""
    path, _, query = path.partition("?")
    segments = ["<id>" if _ID_SEGMENT.match(part) else part for part in path.split("/")]
    keys = sorted({pair.split("=", 1)[0] for pair in query.split("&") if pair})
    return "/".join(segments) + (f"?{'&'.join(keys)}" if keys else "")


def _same_site(base: str, href: str) -> str | None:
    href = urldefrag(href)[0]
    parts, origin = urlsplit(href), urlsplit(base)
    if (parts.scheme, parts.netloc) != (origin.scheme, origin.netloc):
        return None
    path = parts.path + (f"?{parts.query}" if parts.query else "")
    return None if path.startswith(NOT_CRAWLED) else path


def crawl(
    page,
    start: str = "/",
    *,
    skip: Callable[[str], bool] | None = None,
    limit: int = 300,
    run_axe: bool = True,
    per_pattern: int | None = None,
    check: Callable[[object, CheckedPage], list[str]] | None = None,
) -> list[CheckedPage]:
    """Visit every same-site page reachable by links from `start` in the page's context (signed in
    or not): status, the HTML as the server sent it, axe's serious and critical violations (after
    the page's scripts ran) and the links found. Non-HTML answers (downloads) are fetched for
    their status, not opened. `per_pattern` opens at most that many pages of one URL pattern
    (url_pattern: /projects/<id>/ ...); further links of a full pattern only get their status
    checked. `check(page, report)` adds the problems it returns for each opened page."""
    seen, queue, checked = {start}, [(start, "", True)], []
    opened: dict[str, int] = {}
    while queue:
        path, found_on, open_it = queue.pop(0)
        response = page.context.request.get(path)
        report = CheckedPage(path=path, status=response.status, found_on=found_on)
        checked.append(report)
        if response.status != 200 or "text/html" not in response.headers.get("content-type", ""):
            continue
        if not open_it:
            continue
        report.html = response.text()
        page.goto(path)
        if run_axe:
            report.axe = axe_violations(page)
        if check:
            report.problems = check(page, report)
        hrefs = page.eval_on_selector_all("a[href]", "links => links.map(a => a.href)")
        report.links = sorted({p for p in (_same_site(page.url, h) for h in hrefs) if p})
        for link in report.links:
            if link in seen or (skip and skip(link)):
                continue
            pattern = url_pattern(link)
            open_it = per_pattern is None or opened.get(pattern, 0) < per_pattern
            opened[pattern] = opened.get(pattern, 0) + open_it
            seen.add(link)
            queue.append((link, path, open_it))
        assert len(seen) <= limit, f"the crawl from {start} found more than {limit} pages"
    return checked
