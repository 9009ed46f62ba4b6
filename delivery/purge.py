"""
Telling the edge (Varnish, a CDN) to forget the pages a change touches: purges by
dependency key, sent from the invalidation outbox, retried until they succeed, and
never in the way of the editor's save.

The purgers are named in the setting NEWSROOM_PURGERS (a list of
{"BACKEND": dotted path, "OPTIONS": {...}}; purgers.py has Varnish, Fastly,
Cloudflare and CloudFront). Once a change has been applied to the cache
(page_cache.apply_pending), kick() wakes this process's purge thread, which sends
every applied invalidation the edge has not been told of, marks it purged when every
purger took it, and otherwise logs the failure and tries again later, waiting longer
each time. The thread also looks for purges left behind (a process that died, an
edge that was down) every few seconds. With no purger configured, invalidations are
simply marked purged.
"""

import logging
import threading
import time

from django.conf import settings
from django.db import DatabaseError, close_old_connections, connection
from django.utils import timezone
from django.utils.module_loading import import_string

from .models import Invalidation

logger = logging.getLogger(__name__)

# How often the thread looks for purges left behind, and the longest it waits before
# trying a failing edge again.
POLL_SECONDS = 5
RETRY_LIMIT_SECONDS = 60
# Invalidations sent at once; their keys are sent together.
BATCH = 200


class PurgeFailed(Exception):
    """An edge did not take a purge; it is tried again later."""


def configured_purgers():
    """The purgers NEWSROOM_PURGERS names, made afresh (they hold no state)."""
    return [
        import_string(spec["BACKEND"])(**spec.get("OPTIONS", {}))
        for spec in getattr(settings, "NEWSROOM_PURGERS", [])
    ]


def send_pending():
    """Send the keys of applied, unpurged invalidations to every purger, and mark
    them purged: True when none is left, False if an edge refused (logged; they are
    sent again later)."""
    while True:
        rows = list(
            Invalidation.objects.applied()
            .unpurged()
            .order_by("pk")
            .values_list("pk", "keys", "hard")[:BATCH]
        )
        if not rows:
            return True
        soft = {key for _pk, keys, hard in rows if not hard for key in keys.split()}
        hard = {key for _pk, keys, hard in rows if hard for key in keys.split()}
        for purger in configured_purgers():
            try:
                if hard:
                    purger.purge(hard, soft=False)
                if soft - hard:
                    purger.purge(soft - hard, soft=True)
            except Exception as error:
                # Anything a purger raises is a purge to try again: a purger's bug,
                # or a client's error it did not foresee, must neither stop the
                # purge thread nor reach the save that committed the change.
                logger.warning(
                    "Purge at the edge failed, to be tried again: %s",
                    error,
                    exc_info=not isinstance(error, PurgeFailed),
                )
                return False
        Invalidation.objects.filter(pk__in=[pk for pk, _keys, _hard in rows]).update(
            purged_at=timezone.now()
        )


class PurgeThread(threading.Thread):
    """This process's sender of purges: woken by kick(), and looking by itself
    every POLL_SECONDS for purges left behind."""

    def __init__(self):
        super().__init__(name="newsroom-purge", daemon=True)
        self.wake = threading.Event()

    def run(self):
        delay = POLL_SECONDS
        while True:
            if self.wake.wait(delay):
                delay = POLL_SECONDS  # woken for new purges: try at once
            self.wake.clear()
            try:
                close_old_connections()
                done = send_pending()
            except DatabaseError:
                logger.warning("Could not read the outbox to purge.", exc_info=True)
                done = False
            finally:
                connection.close()
            # Failing: wait longer each time; else look again in a while.
            delay = POLL_SECONDS if done else min(delay * 2, RETRY_LIMIT_SECONDS)


_thread = None
_thread_lock = threading.Lock()


def kick():
    """Have the edge told of what was just applied: now, in the background (or in
    the caller, when NEWSROOM_PURGE_IN_BACKGROUND is off, as in tests)."""
    if not getattr(settings, "NEWSROOM_PURGE_IN_BACKGROUND", True):
        try:
            send_pending()
        except DatabaseError:
            logger.warning("Could not read the outbox to purge.", exc_info=True)
        return
    start().wake.set()


def start():
    """This process's purge thread, started if it is not running."""
    global _thread
    with _thread_lock:
        if _thread is None or not _thread.is_alive():
            _thread = PurgeThread()
            _thread.start()
            time.sleep(0)  # let it reach its wait
        return _thread
