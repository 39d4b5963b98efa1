from celery import shared_task

from .delivery import deliveries_send


@shared_task(acks_late=True)
def deliver(ids: list[int]) -> None:
    deliveries_send(ids=ids)
