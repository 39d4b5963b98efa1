import importlib
import pkgutil
import subprocess
import sys
from pathlib import Path

from django.apps import apps

ROOT = Path(__file__).resolve().parents[2]


def test_stdlib_platform_is_not_shadowed_after_importing_the_whole_project():
    assert not (ROOT / "platform" / "__init__.py").exists()
    for config in apps.get_app_configs():
        module = config.module
        path = str(getattr(module, "__file__", ""))
        if not path.startswith(str(ROOT)) or "/.venv/" in path:
            continue
        for info in pkgutil.walk_packages(module.__path__, prefix=f"{module.__name__}."):
            if ".migrations." in info.name or info.name.endswith(".migrations"):
                continue
            importlib.import_module(info.name)
    import platform

    assert platform.system()  # the stdlib module, not our source folder
    assert Path(platform.__file__).parent != ROOT / "platform"


def test_platform_folder_stays_out_of_domain_apps():
    """DESIGN.md: the plumbing imports no domain app."""
    domain = ("workgroups", "projects", "escalations", "votes", "seal", "events", "reports", "portal")
    offenders = []
    for path in (ROOT / "platform").rglob("*.py"):
        if "migrations" in path.parts or path.parts[-2] == "config":
            continue
        for line in path.read_text().splitlines():
            stripped = line.strip()
            if stripped.startswith(("from ", "import ")):
                top = stripped.split()[1].split(".")[0]
                if top in domain:
                    offenders.append(f"{path.relative_to(ROOT)}: {stripped}")
    assert offenders == []


def test_manage_py_runs_from_a_plain_interpreter():
    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={"PATH": "/usr/bin:/bin", "DJANGO_DEBUG": "1", "DJANGO_VAR_DIR": "/tmp/aachen-check-var"},
    )
    assert result.returncode == 0, result.stderr
