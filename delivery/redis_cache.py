"""
Redis as Django's cache (django-redis), made to fail open.

When Redis cannot be reached, a cache that raises would turn every page that reads it
into a 500. A newsroom's pages matter more than their cache: this backend answers as
an empty cache that keeps nothing (django-redis's IGNORE_EXCEPTIONS), so pages are
served uncached until Redis is back. After a failure it does not try Redis again for
a few seconds, so that a Redis that times out rather than refuses slows no more than
one request in that while, and the log gets one warning, not one per request. A
change that could not be announced meanwhile is not lost: it waits in the
invalidation outbox (page_cache.py) and is applied by the next reader who finds
Redis answering.
"""

import functools
import logging
import time

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django_redis.cache import RedisCache, omit_exception
from django_redis.client import DefaultClient
from django_redis.exceptions import ConnectionInterrupted
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)

# After a failure, how long each process leaves Redis alone before trying again.
RETRY_AFTER_SECONDS = 5
_down_until = 0.0


def paused_after_failure(method):
    """Run the client's `method`, unless Redis failed this process a moment ago;
    start the pause when it fails now."""

    @functools.wraps(method)
    def wrapper(*args, **kwargs):
        global _down_until
        if time.monotonic() < _down_until:
            raise ConnectionInterrupted(connection=None)
        try:
            return method(*args, **kwargs)
        except ConnectionInterrupted as error:
            _down_until = time.monotonic() + RETRY_AFTER_SECONDS
            logger.warning(
                "Redis cache unreachable (%s); serving without it for %s s.",
                error.__cause__ or error,
                RETRY_AFTER_SECONDS,
            )
            raise

    return wrapper


# Each key given ARGV[1] if it holds nothing (for ARGV[2] milliseconds; 0: for
# good), then what every key holds.
SETDEFAULT_SCRIPT = """
local held = redis.call('MGET', unpack(KEYS))
for i, found in ipairs(held) do
  if not found then
    if ARGV[2] == '0' then
      redis.call('SET', KEYS[i], ARGV[1])
    else
      redis.call('SET', KEYS[i], ARGV[1], 'PX', ARGV[2])
    end
    held[i] = ARGV[1]
  end
end
return held
"""


class PausingClient(DefaultClient):
    """django-redis's client, leaving Redis alone for a few seconds after it failed."""

    def setdefault_many(self, keys, value, timeout=DEFAULT_TIMEOUT):
        """{key: what it holds} for each of `keys`, after giving `value` to those
        that held nothing: in one trip and one step (SETDEFAULT_SCRIPT), where an
        add() each and a get_many() were a trip each, and a pipeline of them cost a
        page's render more Python than the trip."""
        if not keys:
            return {}
        if timeout is DEFAULT_TIMEOUT:
            timeout = self._backend.default_timeout
        milliseconds = 0 if timeout is None else max(1, int(timeout * 1000))
        held = self.run_script(
            SETDEFAULT_SCRIPT, keys, [self.encode(value), milliseconds]
        )
        return {
            key: self.decode(found)
            for key, found in zip(keys, held, strict=True)
            if found is not None
        }

    @paused_after_failure
    def run_script(self, script, keys, args):
        """What the Lua `script` answers, run by Redis in one step on `keys` (names
        of this cache's, made into Redis's keys here) and `args`."""
        client = self.get_client(write=True)
        try:
            return client.register_script(script)(
                keys=[self.make_key(key) for key in keys], args=args
            )
        except (RedisError, OSError) as error:
            raise ConnectionInterrupted(connection=client) from error

    get = paused_after_failure(DefaultClient.get)
    get_many = paused_after_failure(DefaultClient.get_many)
    set = paused_after_failure(DefaultClient.set)
    set_many = paused_after_failure(DefaultClient.set_many)
    add = paused_after_failure(DefaultClient.add)
    incr = paused_after_failure(DefaultClient.incr)
    delete = paused_after_failure(DefaultClient.delete)
    delete_many = paused_after_failure(DefaultClient.delete_many)
    has_key = paused_after_failure(DefaultClient.has_key)
    touch = paused_after_failure(DefaultClient.touch)
    clear = paused_after_failure(DefaultClient.clear)


class FailOpenRedisCache(RedisCache):
    """django-redis's cache, read as empty and written to nowhere while Redis is down:
    a read answers its default, a write or an incr None."""

    def __init__(self, server, params):
        options = {
            "CLIENT_CLASS": "delivery.redis_cache.PausingClient",
            "IGNORE_EXCEPTIONS": True,
            **params.get("OPTIONS", {}),
        }
        super().__init__(server, {**params, "OPTIONS": options})

    @omit_exception(return_value={})
    def setdefault_many(self, keys, value, timeout=DEFAULT_TIMEOUT):
        """PausingClient.setdefault_many: {} while Redis is down."""
        return self.client.setdefault_many(keys, value, timeout)

    @omit_exception(return_value=None)
    def run_script(self, script, keys, args):
        """PausingClient.run_script: None while Redis is down."""
        return self.client.run_script(script, keys, args)
