from celery import shared_task

from .services import workflow_deadlines_check


@shared_task(acks_late=True)
def workflows_check_deadlines() -> int:
    """Beat runs this hourly: announce passed state deadlines (each once per state entry)."""
    return workflow_deadlines_check()
