"""DESIGN.md, "Which way imports go": the engine imports only the plumbing."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DOMAIN = ("workgroups", "projects", "escalations", "votes", "seal", "events", "reports", "portal")
IMPORT = re.compile(r"^\s*(?:from|import)\s+([\w.]+)")


def test_workflows_imports_no_domain_app():
    offenders = []
    for path in (ROOT / "workflows").rglob("*.py"):
        if "migrations" in path.parts:
            continue
        for number, line in enumerate(path.read_text().splitlines(), start=1):
            match = IMPORT.match(line)
            if match and match.group(1).split(".")[0] in DOMAIN:
                offenders.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
    assert offenders == []


def test_modules_stay_small():
    too_long = [
        str(p.relative_to(ROOT))
        for p in (ROOT / "workflows").rglob("*.py")
        if "migrations" not in p.parts and len(p.read_text().splitlines()) > 400
    ]
    assert too_long == []
