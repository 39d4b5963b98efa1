"""A step taken in a project's panel over htmx: the panel and the page's state badge come back, cheaply."""

import re

import pytest
from django.contrib.contenttypes.models import ContentType

from projects.models import Project
from projects.workflow import project_roles_annotated, project_roles_annotations, project_workflow_roles
from tests.world import ROLES

HTMX = {"HTTP_HX_REQUEST": "true"}


def badge_id(project) -> str:
    return f"workflow-{ContentType.objects.get_for_model(Project).pk}-{project.pk}-state"


def badges(html: str, project) -> list[str]:
    """The badge elements (their opening tags and text) with the project's badge id."""
    return re.findall(rf'<span id="{badge_id(project)}"[^>]*>[^<]*</span>', html)


def hold(client, project):
    return client.post(
        f"/projects/{project.pk}/transition/",
        {"transition": "hold", "comment": "Warten auf den Haushalt", "expected_state": "needs_assessment"},
        **HTMX,
    )


def test_project_page_shows_the_state_badge_the_answer_replaces(client, world):
    client.force_login(world.people["chair"])
    html = client.get(world.project.get_absolute_url()).content.decode()
    (badge,) = badges(html, world.project)
    assert 'data-state="needs_assessment"' in badge and "hx-swap-oob" not in badge
    # The history's times are valid HTML datetimes: seconds, no fraction.
    stamps = re.findall(r'<time datetime="([^"]+)"', html)
    assert stamps and all(re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d", s) for s in stamps)


# Transactional, so the count is a request's as in production: no savepoints of the test's own
# transaction around the service's, but the service's BEGIN and COMMIT, which Django counts as
# two more. The e-mails are queued after commit (a broker message, not SQL).
@pytest.mark.django_db(transaction=True)
def test_htmx_step_answers_with_panel_and_new_badge_out_of_band_in_ten_queries(
    client, world, django_assert_num_queries, monkeypatch
):
    queued = []
    monkeypatch.setattr("notifications.services.email_deliveries_queue", lambda *, ids: queued.extend(ids))
    client.force_login(world.people["chair"])
    with django_assert_num_queries(10) as captured:
        response = hold(client, world.project)
    # The session and the user, the project locked with the person's roles, the move and its
    # history entry, the watchers' inbox (the rows of those who may see it, their deliveries),
    # the panel's history.
    statements = [q["sql"] for q in captured.captured_queries]
    assert len([s for s in statements if s not in ("BEGIN", "BEGIN IMMEDIATE", "COMMIT")]) == 8
    assert response.status_code == 200 and response["HX-Trigger"] == "workflow-changed"
    html = response.content.decode()
    assert html.lstrip().startswith('<section id="workflow-')
    assert 'data-state="on_hold">Pausiert</strong>' in html  # the panel
    (badge,) = badges(html, world.project)
    assert 'hx-swap-oob="true"' in badge and 'data-state="on_hold"' in badge and ">Pausiert<" in badge
    world.project.refresh_from_db()
    assert world.project.state == "on_hold"
    assert queued  # the group's members hear of it


def test_refused_step_leaves_the_badge_on_the_unchanged_state(client, world):
    client.force_login(world.people["member"])  # members may not hold a project
    response = hold(client, world.project)
    html = response.content.decode()
    assert response.status_code == 200 and "HX-Trigger" not in response
    assert 'role="alert"' in html
    (badge,) = badges(html, world.project)
    assert 'data-state="needs_assessment"' in badge


def test_step_from_a_stale_page_shows_where_the_project_is_now(client, world):
    client.force_login(world.people["chair"])
    assert hold(client, world.project).status_code == 200
    client.force_login(world.people["steering"])
    html = hold(client, world.project).content.decode()  # still showed "needs_assessment"
    assert "Jemand war schneller" in html
    (badge,) = badges(html, world.project)
    assert 'data-state="on_hold"' in badge


def test_outsider_gets_404_and_nothing_moves(client, world):
    client.force_login(world.people["other_member"])
    assert hold(client, world.project).status_code == 404
    world.project.refresh_from_db()
    assert world.project.state == "needs_assessment"


@pytest.mark.parametrize("role", [r for r in ROLES if r != "anonymous"])
def test_roles_read_with_the_project_are_the_roles_resolved_on_their_own(world, role):
    user = world.people[role]
    for project in (world.project, world.other_project):
        annotated = Project.objects.annotate(**project_roles_annotations(user)).get(pk=project.pk)
        assert project_roles_annotated(annotated) == project_workflow_roles(project, user)


@pytest.mark.django_db(transaction=True)
def test_step_failing_after_its_first_write_leaves_nothing_behind(client, world, monkeypatch):
    # The engine takes the view's locked copy without a savepoint of its own: a refusal after the
    # move was written must roll the whole request back, not commit half a step.
    from core.errors import DomainError
    from workflows.models import TransitionRecord

    def refuse(**kwargs):
        raise DomainError("Die Folgeaufgaben konnten nicht angelegt werden.")

    monkeypatch.setattr("workflows.services.transitions.effects_run", refuse)
    records = TransitionRecord.objects.count()
    client.force_login(world.people["chair"])
    response = hold(client, world.project)
    # The page is loaded again and says why; nothing was stored.
    assert response.status_code == 200 and response["HX-Redirect"] == world.project.get_absolute_url()
    page = client.get(world.project.get_absolute_url()).content.decode()
    assert "Die Folgeaufgaben konnten nicht angelegt werden." in page
    world.project.refresh_from_db()
    assert world.project.state == "needs_assessment" and world.project.workflow_sequence == 1
    assert TransitionRecord.objects.count() == records
