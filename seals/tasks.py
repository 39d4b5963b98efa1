from celery import shared_task


@shared_task(name="seals.expire", acks_late=True)
def seals_expire_task() -> int:
    """Daily: seals past their end are marked expired and their holders told (once)."""
    from .services import seals_expire

    return seals_expire()
