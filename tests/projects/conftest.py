import pytest

from projects.workflow import DEFINITIONS_DIR
from workflows.registry import registry


@pytest.fixture
def projects_folder(tmp_path, monkeypatch):
    """An empty folder registered, for this test only, with the defaults of the project workflows."""
    monkeypatch.setattr(registry, "definition_directories", dict(registry.definition_directories))
    shipped = registry.definition_directories[DEFINITIONS_DIR]
    registry.register_definitions(tmp_path, watchers=shipped.watchers, escalate_role=shipped.escalate_role)
    return tmp_path
