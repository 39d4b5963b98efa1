"""One racer of the concurrency test, in its own OS process with its own database connection."""

import os


def race(
    database_url: str,
    ticket_ids: list[int],
    name: str,
    actor_id: int,
    barrier,
    results,
    model_label: str = "workflow_testapp.Ticket",
) -> None:
    os.environ["DATABASE_URL"] = database_url
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.test_settings"
    import django

    django.setup()
    from django.apps import apps

    from accounts.models import User
    from workflows.errors import TransitionConflict
    from workflows.services import workflow_transition

    actor = User.objects.get(pk=actor_id)
    Ticket = apps.get_model(model_label)  # noqa: N806 - the subject model, a ticket or a project
    for ticket_id in ticket_ids:
        ticket = Ticket.objects.select_related("workflow").get(pk=ticket_id)
        barrier.wait(timeout=60)  # both have read the ticket; now both act at once
        try:
            workflow_transition(subject=ticket, name=name, actor=actor, comment="gleichzeitig")
        except TransitionConflict:
            results.put((ticket_id, name, "conflict"))
        except Exception as exc:  # reported, so the test shows it instead of hanging
            results.put((ticket_id, name, f"error: {exc!r}"))
        else:
            results.put((ticket_id, name, "ok"))
