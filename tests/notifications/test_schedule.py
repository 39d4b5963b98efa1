from django_celery_beat.models import PeriodicTask
from django_celery_beat.schedulers import DatabaseScheduler

from config.celery import app


def test_beat_runs_the_sweep_every_minute_the_digest_daily_and_reminders_during_the_day(transactional_db):
    # transactional: the scheduler closes connections that are inside a transaction
    DatabaseScheduler(app=app)  # syncs CELERY_BEAT_SCHEDULE into the database, as `make beat` does
    tasks = {t.task: t for t in PeriodicTask.objects.filter(task__startswith="notifications.")}
    assert set(tasks) == {"notifications.sweep", "notifications.digests_send", "notifications.reminders_send"}
    assert tasks["notifications.sweep"].interval.every == 60
    assert tasks["notifications.sweep"].expire_seconds == 50
    digest = tasks["notifications.digests_send"].crontab
    assert (digest.hour, digest.minute, str(digest.timezone)) == ("7", "0", "Europe/Berlin")
    assert tasks["notifications.reminders_send"].crontab.hour == "7-19"
    app.loader.import_default_modules()  # what a worker imports at start
    assert set(app.tasks) >= set(tasks)  # the names beat sends are tasks the worker knows
