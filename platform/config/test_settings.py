"""Test settings: the real settings plus speed-ups; the mode follows DATABASE_URL/REDIS_URL."""

import atexit
import os
import shutil
import tempfile
from pathlib import Path

os.environ.setdefault("DJANGO_DEBUG", "1")

from .settings import *  # noqa: E402,F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# Uploads of a test run go to a folder of its own, removed when the run ends.
PRIVATE_MEDIA_ROOT = Path(tempfile.mkdtemp(prefix="aachen-private-"))
atexit.register(shutil.rmtree, PRIVATE_MEDIA_ROOT, ignore_errors=True)
STORAGES = {  # noqa: F405
    **STORAGES,  # noqa: F405
    "private": {**STORAGES["private"], "OPTIONS": {"location": PRIVATE_MEDIA_ROOT, "base_url": None}},  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
LOGGING = {"version": 1, "disable_existing_loggers": False}
# Unit tests run tasks in-process in both modes; tests of the real worker switch this off
# through the `purged_broker` fixture and talk to Redis.
CELERY_TASK_ALWAYS_EAGER = True
INSTALLED_APPS = [*INSTALLED_APPS, "tests.workflow_testapp"]  # noqa: F405 - the engine's test subject
