import uuid

import pytest


@pytest.fixture(autouse=True)
def fresh_cache(settings):
    """Throttle counters live in the cache: each test starts with its own, empty one."""
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": f"test-{uuid.uuid4().hex}",
        }
    }
