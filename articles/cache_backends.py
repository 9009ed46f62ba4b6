"""
Django's Redis cache, made to fail open.

When Redis cannot be reached, Django's own backend raises, and every page that reads
the cache answers 500. A newsroom's pages matter more than their cache: this backend
logs the failure and behaves as an empty cache that keeps nothing, so pages are served
uncached until Redis is back. After a failure it does not try Redis again for a few
seconds, so that a Redis that times out rather than refuses slows no more than one
request in that while, and the log gets one warning, not one per request. A change
that could not be announced meanwhile is not lost: it waits in the invalidation outbox
(page_cache.py) and is applied by the next reader who finds Redis answering.
"""

import functools
import logging
import pickle
import time

from django.core.cache.backends.redis import (
    RedisCache,
    RedisCacheClient,
    RedisSerializer,
)
from redis.exceptions import ConnectionError, TimeoutError

logger = logging.getLogger(__name__)

# After a failure, how long each process leaves Redis alone before trying again.
RETRY_AFTER_SECONDS = 5
_down_until = 0.0


class RedisDown(ConnectionError):
    """Redis failed a moment ago; not tried again yet."""


def _check():
    if time.monotonic() < _down_until:
        raise RedisDown("Redis failed less than a few seconds ago")


def _failed(error):
    global _down_until
    if not isinstance(error, RedisDown):
        _down_until = time.monotonic() + RETRY_AFTER_SECONDS
        logger.warning(
            "Redis cache unreachable (%s); serving without it for %s s.",
            error,
            RETRY_AFTER_SECONDS,
        )


def fail_open(answer):
    """Run the wrapped cache call; if Redis is unreachable, log and return
    `answer(*args, **kwargs)`, what an empty cache would have said."""

    def decorator(method):
        @functools.wraps(method)
        def wrapper(self, *args, **kwargs):
            try:
                _check()
                return method(self, *args, **kwargs)
            except (ConnectionError, TimeoutError) as error:
                _failed(error)
                return answer(*args, **kwargs)

        return wrapper

    return decorator


def nothing(*args, **kwargs):
    return None


def no(*args, **kwargs):
    return False


class ReusedClients(RedisCacheClient):
    """Django's Redis client maker, keeping one redis.Redis per connection pool.

    Django builds a new redis.Redis for every cache call, and building one sets up
    its table of some 160 response callbacks: 0.2 ms, twice per kept page served,
    most of what serving it cost. A client is safe to share; it takes a connection
    from its pool for each command.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(pool)
        if client is None:
            client = self._clients[pool] = self._client(connection_pool=pool)
        return client


class PickleFirstSerializer(RedisSerializer):
    """Django's serializer, reading a pickle without first trying it as an integer.

    Django keeps integers as digits (so that INCR works) and everything else pickled,
    and reads every value back by trying int() first: for a pickle that raises and
    catches a ValueError, a microsecond or two each, twice per kept page served.
    A pickle opens with the PROTO opcode (protocol 2 and up; Django writes the
    highest), which digits never do.
    """

    def loads(self, data):
        if data[:1] == pickle.PROTO:
            return pickle.loads(data)
        return super().loads(data)


class FailOpenRedisCache(RedisCache):
    """Django's RedisCache, read as empty and written to nowhere while Redis is down."""

    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = ReusedClients
        self._options = {"serializer": PickleFirstSerializer, **self._options}

    def validate_key(self, key):
        """Django checks every key against memcached's limits (length, spaces,
        control characters), to warn of keys that would not carry over to it:
        6 µs of a kept page's every read, for limits Redis does not have."""

    @fail_open(lambda key, default=None, version=None: default)
    def get(self, key, default=None, version=None):
        return super().get(key, default, version)

    @fail_open(lambda keys, version=None: {})
    def get_many(self, keys, version=None):
        return super().get_many(keys, version)

    @fail_open(no)
    def add(self, *args, **kwargs):
        return super().add(*args, **kwargs)

    @fail_open(nothing)
    def set(self, *args, **kwargs):
        return super().set(*args, **kwargs)

    @fail_open(lambda data, *args, **kwargs: list(data))
    def set_many(self, data, *args, **kwargs):
        return super().set_many(data, *args, **kwargs)

    @fail_open(no)
    def touch(self, *args, **kwargs):
        return super().touch(*args, **kwargs)

    @fail_open(no)
    def has_key(self, *args, **kwargs):
        return super().has_key(*args, **kwargs)

    @fail_open(no)
    def delete(self, *args, **kwargs):
        return super().delete(*args, **kwargs)

    @fail_open(nothing)
    def delete_many(self, *args, **kwargs):
        return super().delete_many(*args, **kwargs)

    @fail_open(no)
    def clear(self):
        return super().clear()

    def incr(self, key, delta=1, version=None):
        """Raise a counter, or raise ValueError (Django's answer for a key it cannot
        find, which callers handle) if Redis cannot be reached. Within the few
        seconds after a failure it is not tried either: a change that could not
        raise its counter is applied from the invalidation outbox (page_cache.py)."""
        try:
            _check()
            return super().incr(key, delta, version)
        except (ConnectionError, TimeoutError) as error:
            _failed(error)
            raise ValueError(f"Key '{key}' cannot be reached.") from error
