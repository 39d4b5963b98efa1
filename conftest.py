"""Root conftest: which run mode the suite is in, and what it may skip."""

import os
import shutil
from pathlib import Path

import pytest

SERVICES_MODE = bool(os.environ.get("DATABASE_URL") and os.environ.get("REDIS_URL"))
IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}


def chromium_path() -> str | None:
    for candidate in (os.environ.get("CHROMIUM_PATH"), "/usr/bin/chromium", shutil.which("chromium")):
        if candidate and Path(candidate).exists():
            return candidate
    return None


def pytest_collection_modifyitems(config, items):
    """Services tests belong to the services run; in the embedded run they are deselected."""
    if SERVICES_MODE:
        return
    selected, deselected = [], []
    for item in items:
        (deselected if item.get_closest_marker("services") else selected).append(item)
    if deselected:
        config.hook.pytest_deselected(items=deselected)
        items[:] = selected
        config._services_deselected = len(deselected)


def pytest_report_header(config):
    if SERVICES_MODE:
        mode = "services (PostgreSQL + Redis + Celery worker)"
    else:
        mode = "embedded (SQLite, eager tasks)"
    return [f"run mode: {mode}"]


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    count = getattr(config, "_services_deselected", 0)
    if count:
        terminalreporter.write_line(
            f"{count} services tests deselected: set DATABASE_URL and REDIS_URL to run them."
        )


def require(condition: bool, reason: str) -> None:
    """Skip for a missing part on a person's machine; in CI a missing part fails the run."""
    if condition:
        return
    if IN_CI:
        pytest.fail(f"CI must not skip: {reason}")
    pytest.skip(reason)
