"""The Celery application; tasks run eagerly in-process when no REDIS_URL is set."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("aachen")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
