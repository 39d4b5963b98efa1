import pytest
from django.db import transaction
from rest_framework.test import APIClient

from tests.factories import OrganisationFactory, UserFactory


@pytest.fixture
def api_client() -> APIClient:
    return APIClient()


@pytest.fixture
def organisation(db):
    return OrganisationFactory(name="3Win Maschinenbau")


@pytest.fixture
def anna(db, organisation):
    return UserFactory(
        email="anna.becker@example.org", first_name="Anna", last_name="Becker", organisation=organisation
    )


@pytest.fixture
def smtp_server():
    from tests.support import SmtpServer

    server = SmtpServer().start()
    yield server
    server.stop()


@pytest.fixture
def purged_broker():
    """Tasks go to the real broker, whose default queue starts empty for this test."""
    from config.celery import app
    from tests.support import set_celery_conf

    set_celery_conf(app, task_always_eager=False)
    app.control.purge()
    yield app
    set_celery_conf(app, task_always_eager=True)


@pytest.fixture
def world(db):
    from tests.world import build_world

    return build_world()


@pytest.fixture(scope="module")
def _module_world(django_db_setup, django_db_blocker):
    """One world for a whole module, built in a transaction that is rolled back after its last test.

    Each test then runs in a savepoint inside it (pytest-django's `db`), so its writes roll back
    as before. Only for modules without transactional tests: those commit, and would end the
    module's transaction (tests.conftest.shared_world says which modules use it)."""
    from tests.world import build_world

    with django_db_blocker.unblock():
        assert not transaction.get_connection().in_atomic_block, "the module's world must come first"
        outer = transaction.atomic()
        outer.__enter__()
        try:
            yield build_world()
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


@pytest.fixture
def shared_world(_module_world, db):
    """The module's world, every object read again for this test (a permission table asks the same
    world a few hundred questions: building it once per module saves most of their time)."""
    return _module_world.reread()


@pytest.fixture
def projects_folder(tmp_path, monkeypatch):
    """An empty folder registered, for this test only, with the defaults of the project workflows."""
    from projects.workflow import DEFINITIONS_DIR as PROJECT_DEFINITIONS_DIR
    from workflows.registry import registry

    monkeypatch.setattr(registry, "definition_directories", dict(registry.definition_directories))
    shipped = registry.definition_directories[PROJECT_DEFINITIONS_DIR]
    registry.register_definitions(tmp_path, watchers=shipped.watchers, escalate_role=shipped.escalate_role)
    return tmp_path
