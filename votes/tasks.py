"""The scheduled close of each vote, and the sweep that opens and closes whatever was missed."""

from celery import shared_task

from .models import Vote
from .services import vote_close, votes_sweep


@shared_task(name="votes.close_due", acks_late=True)
def vote_close_due(vote_id: int) -> bool:
    """Queued with eta=closes_at when the vote opens; early or repeated runs do nothing."""
    vote = Vote.objects.filter(pk=vote_id).first()
    return bool(vote) and vote_close(vote=vote, reason=Vote.CloseReason.SCHEDULE)


@shared_task(name="votes.sweep", acks_late=True)
def votes_sweep_task() -> list[int]:
    """Beat runs this every minute: a vote whose close was lost (worker down) is closed here."""
    return list(votes_sweep())
