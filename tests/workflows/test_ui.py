"""The panel partial and its htmx post, as a subject app wires them (tests/workflow_testapp/urls.py)."""

import pytest
from django.contrib.messages import get_messages
from django.template.loader import render_to_string

from tests.workflow_testapp.models import Ticket
from workflows.selectors import workflow_available_transitions, workflow_panel
from workflows.services import workflow_transition

pytestmark = pytest.mark.urls("tests.workflow_testapp.urls")
HTMX = {"HTTP_HX_REQUEST": "true"}


def test_panel_shows_state_steps_reasons_diagram_and_history(client, ticket, people):
    client.force_login(people["member"])
    html = client.get(f"/tickets/{ticket.pk}/").content.decode()
    assert 'data-state="open">Offen</strong>' in html
    assert 'name="transition" value="submit"' in html  # the member may submit
    assert (
        'data-transition="reject"><strong>Ablehnen</strong>' in html
        and "Nur für: Vorsitz, Steuerteam." in html
    )
    assert '<svg xmlns="http://www.w3.org/2000/svg"' in html and 'class="wf-state wf-current"' in html
    assert "Ablauf begonnen" in html
    assert f'hx-post="/tickets/{ticket.pk}/transition/"' in html


def test_comment_box_is_required_where_the_step_needs_a_reason(client, ticket, people):
    client.force_login(people["chair"])
    html = client.get(f"/tickets/{ticket.pk}/").content.decode()
    reject = html[html.index('value="reject"') :]
    reject = reject[: reject.index("</form>")]
    assert "required" in reject and "Für diesen Schritt ist eine Begründung nötig." in reject
    submit = html[html.index('value="submit"') :]
    assert "<details>" in submit[: submit.index("</form>")]


def test_htmx_post_answers_with_the_new_panel(client, ticket, people):
    client.force_login(people["chair"])
    response = client.post(
        f"/tickets/{ticket.pk}/transition/",
        {"transition": "reject", "comment": "Kein Bedarf", "expected_state": "open"},
        **HTMX,
    )
    assert response.status_code == 200 and response["HX-Trigger"] == "workflow-changed"
    html = response.content.decode()
    assert html.lstrip().startswith('<section id="workflow-') and "<html" not in html
    assert 'data-state="rejected">Abgelehnt</strong>' in html
    assert "Kein Bedarf" in html and "Der Ablauf ist abgeschlossen." in html
    assert 'class="wf-state wf-current wf-terminal" data-state="rejected"' in html
    assert Ticket.objects.get(pk=ticket.pk).state == "rejected"


def test_htmx_post_from_a_stale_page_shows_the_new_state_and_why(client, ticket, people):
    workflow_transition(subject=ticket, name="submit", actor=people["member"])
    client.force_login(people["chair"])
    response = client.post(
        f"/tickets/{ticket.pk}/transition/",
        {"transition": "reject", "comment": "zu spät", "expected_state": "open"},
        **HTMX,
    )
    html = response.content.decode()
    assert response.status_code == 200 and "HX-Trigger" not in response
    assert 'role="alert">Jemand war schneller' in html and 'data-state="review">In Prüfung</strong>' in html


def test_htmx_post_refused_by_a_guard_says_why(client, make_ticket, people):
    ticket = make_ticket(ready=False)
    client.force_login(people["member"])
    response = client.post(
        f"/tickets/{ticket.pk}/transition/", {"transition": "submit", "expected_state": "open"}, **HTMX
    )
    assert 'role="alert">Das Ticket ist noch nicht bereit.' in response.content.decode()


def test_htmx_post_with_garbage_is_a_readable_error_not_a_500(client, ticket, people):
    client.force_login(people["chair"])
    response = client.post(f"/tickets/{ticket.pk}/transition/", {"transition": "<script>"}, **HTMX)
    assert response.status_code == 200 and "Bitte laden Sie die Seite neu." in response.content.decode()
    response = client.post(
        f"/tickets/{ticket.pk}/transition/", {"transition": "reject", "comment": "x" * 5000}, **HTMX
    )
    assert response.status_code == 200 and 'role="alert"' in response.content.decode()


def test_plain_post_redirects_with_a_message(client, ticket, people):
    client.force_login(people["member"])
    response = client.post(f"/tickets/{ticket.pk}/transition/", {"transition": "submit"})
    assert response.status_code == 302 and response["Location"] == f"/tickets/{ticket.pk}/"
    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        "Erledigt: Jobticket-Umfrage steht jetzt auf „In Prüfung“."
    ]


def test_panel_in_english(client, ticket, people):
    people["chair"].language = "en"
    people["chair"].save(update_fields=["language"])
    client.force_login(people["chair"])
    html = client.get(f"/tickets/{ticket.pk}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'data-state="open">Open</strong>' in html and ">Submit</button>" in html


def test_available_transitions_cost_one_query_however_many_there_are(
    ticket, people, django_assert_num_queries
):
    workflow_transition(subject=ticket, name="submit", actor=people["member"])
    loaded = Ticket.objects.select_related("workflow").get(pk=ticket.pk)
    with django_assert_num_queries(1):  # the person's roles; the definition comes with the subject
        available = workflow_available_transitions(subject=loaded, user=people["chair"])
    assert [t.name for t in available] == ["approve", "reject", "rework", "hold", "cancel"]


def test_panel_costs_the_same_for_a_short_and_a_long_history(ticket, people, django_assert_max_num_queries):
    def cost() -> int:
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        loaded = Ticket.objects.select_related("workflow").get(pk=ticket.pk)
        with CaptureQueriesContext(connection) as queries:
            render_to_string(
                "workflows/_panel.html",
                workflow_panel(subject=loaded, user=people["chair"], action_url="/x/"),
            )
        return len(queries)

    short = cost()
    for _ in range(10):
        workflow_transition(subject=ticket, name="hold", actor=people["chair"])
        workflow_transition(subject=ticket, name="resume", actor=people["chair"])
    assert cost() == short <= 4


def test_panel_of_a_subject_without_a_workflow(make_ticket, people):
    ticket = make_ticket(start=False)
    html = render_to_string(
        "workflows/_panel.html", workflow_panel(subject=ticket, user=people["chair"], action_url="/x/")
    )
    assert "Für diesen Eintrag läuft noch kein Ablauf." in html and "<svg" not in html
