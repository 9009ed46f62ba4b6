"""
Cached pages answered before Django's handler runs.

Most of what a reader asks for is a page the cache keeps (page_cache.py). Django's
handler costs such an answer more than finding it does: the request signals (each
checks every database connection), the middleware stack, the response's trip back
out. So newsroom.wsgi wraps Django's application in CachedPagesFirst, which asks the
cache first, with page_cache's own lookup and answer, and goes through Django only
when that finds nothing to send:

- not a GET or HEAD, a reader with a session cookie, a host Django would refuse;
- no fresh page kept for the address (its lookup is then handed on, so the cache is
  asked once);
- the cache's state must first be checked against the database (about once a second
  for the whole site, or at a scheduled change): that is done inside Django's
  handler, which looks after the connections.

What is sent is what ServeCachedPages would send from the same kept page, by the
same functions: it keeps each page with the security policies its render was given.

A hit here starts no request for Django, so its database connections are not
checked then (CONN_MAX_AGE is applied at the next request that goes through
Django); it touches none. Should finding or answering the page fail, Django is
asked instead: its handler logs the failure and answers as it always does.
"""

import logging
from http import HTTPStatus

from django.core.exceptions import DisallowedHost
from django.core.handlers.wsgi import WSGIRequest

from .page_cache import (
    LOOKUP_META,
    answer_kept,
    as_taken,
    fresh_page,
    headers_kept,
    is_conditional,
)

logger = logging.getLogger(__name__)


class CachedPagesFirst:
    """WSGI middleware: `application` (Django's), after the cached pages."""

    def __init__(self, application):
        self.application = application

    def __call__(self, environ, start_response):
        try:
            answered = self.cached(environ)
        except DisallowedHost:
            answered = None  # Django answers it (400), and logs it
        except Exception:
            logger.exception("Could not answer from the kept pages; Django will.")
            environ.pop(LOOKUP_META, None)
            answered = None
        if answered is None:
            return self.application(environ, start_response)
        status, headers, content = answered
        start_response(f"{status} {HTTPStatus(status).phrase}", headers)
        # The content, not a response: closing that would send request_finished,
        # for a request Django never started.
        return [content]

    def cached(self, environ):
        """(status, headers, content) of the kept page for this request, or None."""
        request = WSGIRequest(environ)
        found = fresh_page(request, database=False)
        if found is None:
            return None
        if is_conditional(request):
            response = answer_kept(request, found)  # perhaps a 304
            return response.status_code, list(response.items()), response.content
        # Most requests: sent as kept, without building a response (whose headers
        # would be checked again, as they were when the page was kept).
        kept = as_taken(request, found.entry)
        return (
            found.entry.get("status", 200),
            headers_kept(kept, found),
            kept["content"],
        )
