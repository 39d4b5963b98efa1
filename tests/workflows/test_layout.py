"""DESIGN.md, "Which way imports go": the engine imports only the plumbing and names no subject's roles."""

import ast
import re
from pathlib import Path

from workflows.registry import Registry

ROOT = Path(__file__).resolve().parents[2]
DOMAIN = ("workgroups", "projects", "escalations", "votes", "seal", "events", "reports", "portal")
IMPORT = re.compile(r"^\s*(?:from|import)\s+([\w.]+)")
# The roles projects resolve (and escalations, seal applications will): the engine names none.
SUBJECT_ROLES = {"member", "chair", "steering", "staff", "forum"}


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


def test_the_engine_names_no_subjects_role_and_ships_no_definitions():
    """Subjects register their roles, definition folders and defaults; the engine has only admin."""
    engine = Registry()
    assert set(engine.roles) == {"admin"} and engine.definition_directories == {}
    offenders = []
    for path in (ROOT / "workflows").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
            if isinstance(node, ast.Constant) and node.value in SUBJECT_ROLES:
                offenders.append(f"{path.relative_to(ROOT)}:{node.lineno}: {node.value!r}")
    assert offenders == []
    assert list((ROOT / "workflows").rglob("*.yaml")) == []
