"""Libraries vendored into static/ are the files of the npm package pinned in package.json."""

import json
from pathlib import Path

import pytest

from conftest import require

ROOT = Path(__file__).resolve().parents[2]
VENDORED = [
    ("sortablejs", "Sortable.min.js"),
    ("sortablejs", "LICENSE"),
]


@pytest.mark.parametrize(("package", "name"), VENDORED)
def test_vendored_file_equals_the_npm_package(package, name):
    source = ROOT / "node_modules" / package / name
    require(source.exists(), f"node_modules/{package} is not installed (make checkers)")
    installed = json.loads((ROOT / "node_modules" / package / "package.json").read_text())["version"]
    pinned = json.loads((ROOT / "package.json").read_text())["devDependencies"][package]
    assert installed == pinned, "node_modules is older than package.json: run make checkers"
    assert (ROOT / "static" / "vendor" / package / name).read_bytes() == source.read_bytes()


def test_vendored_sortable_is_the_pinned_version():
    pinned = json.loads((ROOT / "package.json").read_text())["devDependencies"]["sortablejs"]
    head = (ROOT / "static" / "vendor" / "sortablejs" / "Sortable.min.js").read_text()[:200]
    assert f"Sortable {pinned} " in head
