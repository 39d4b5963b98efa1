"""A Redis cache that degrades to a per-process memory cache while Redis cannot be reached.

Everything the platform keeps in the cache (throttle counters, parsed workflow definitions,
password-reset counters) can be rebuilt, so a Redis outage must cost precision, not answers:
the request goes on with a local cache and one warning is logged per outage.
"""

import logging
import threading
import time
import uuid

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.locmem import LocMemCache
from django.core.cache.backends.redis import RedisCache

logger = logging.getLogger("core.cache")

# Errors that mean "Redis is not there", not "this value is bad": redis-py's connection and
# timeout errors both derive from RedisError; OSError covers DNS and socket failures.
try:
    from redis.exceptions import RedisError as _RedisError
except ImportError:  # pragma: no cover - redis is a dependency of celery[redis]
    _RedisError = OSError
UNAVAILABLE = (_RedisError, OSError)


class ResilientRedisCache(RedisCache):
    """RedisCache whose calls fall back to a local memory cache for RETRY_AFTER seconds on failure."""

    RETRY_AFTER = 5.0

    def __init__(self, server, params):
        params = dict(params)
        options = dict(params.get("OPTIONS") or {})
        # A hanging Redis must not hang the request: short timeouts, then the fallback.
        options.setdefault("socket_connect_timeout", 0.5)
        options.setdefault("socket_timeout", 1.0)
        params["OPTIONS"] = options
        super().__init__(server, params)
        # Its own memory: LocMemCache shares storage between instances of the same name.
        self._fallback = LocMemCache(f"resilient-{uuid.uuid4().hex}", params)
        self._down_until = 0.0
        self._lock = threading.Lock()

    @property
    def degraded(self) -> bool:
        return time.monotonic() < self._down_until

    def _call(self, name, *args, **kwargs):
        if not self.degraded:
            try:
                return getattr(super(), name)(*args, **kwargs)
            except UNAVAILABLE as exc:
                self._mark_down(exc)
        return getattr(self._fallback, name)(*args, **kwargs)

    def _mark_down(self, exc: Exception) -> None:
        with self._lock:
            was_up = not self.degraded
            self._down_until = time.monotonic() + self.RETRY_AFTER
        if was_up:
            logger.warning(
                "cache unavailable, using a local memory cache for %.0f s",
                self.RETRY_AFTER,
                extra={"error": f"{type(exc).__name__}: {exc}"[:200]},
            )

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("add", key, value, timeout, version)

    def get(self, key, default=None, version=None):
        return self._call("get", key, default, version)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("set", key, value, timeout, version)

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("touch", key, timeout, version)

    def delete(self, key, version=None):
        return self._call("delete", key, version)

    def get_many(self, keys, version=None):
        return self._call("get_many", keys, version)

    def has_key(self, key, version=None):
        return self._call("has_key", key, version)

    def incr(self, key, delta=1, version=None):
        return self._call("incr", key, delta, version)

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("set_many", data, timeout, version)

    def delete_many(self, keys, version=None):
        return self._call("delete_many", keys, version)

    def clear(self):
        self._fallback.clear()
        return self._call("clear")
