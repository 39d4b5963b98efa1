"""The Celery application; tasks run eagerly in-process when no REDIS_URL is set."""

import logging
import os
from datetime import UTC, datetime

from celery import Celery, bootsteps

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

logger = logging.getLogger(__name__)

app = Celery("aachen")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

# Asked right after the broker answers again: if it does not, the next connect asks anew.
SWEEP_PUBLISH_RETRY = {"max_retries": 3, "interval_start": 0, "interval_step": 0.5, "interval_max": 1}


class SweepOnConnect(bootsteps.StartStopStep):
    """Each time the worker's consumer (re)connects, queue a sweep of what was due until now.

    Tasks published while the broker was away failed, and a broker that comes back empty has lost
    the ones it held: without this they would wait for beat's sweep (SWEEP_AFTER, minutes).
    """

    requires = ("celery.worker.consumer.tasks:Tasks",)

    def start(self, c):
        since = datetime.now(UTC).isoformat()
        try:
            c.app.send_task(
                "notifications.sweep",
                kwargs={"due_before": since},
                retry=True,
                retry_policy=SWEEP_PUBLISH_RETRY,
            )
        except Exception:  # the worker must go on consuming; beat's sweep catches up
            logger.warning("could not queue the sweep after connecting to the broker", exc_info=True)


app.steps["consumer"].add(SweepOnConnect)
