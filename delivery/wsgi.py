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

What is sent is what ServeCachedPages would send: it keeps each page with the
headers every middleware gave it (it is first in MIDDLEWARE), and answers from the
same functions.
"""

from django.core.exceptions import DisallowedHost
from django.core.handlers.wsgi import WSGIRequest

from .page_cache import cached_answer


class CachedPagesFirst:
    """WSGI middleware: `application` (Django's), after the cached pages."""

    def __init__(self, application):
        self.application = application

    def __call__(self, environ, start_response):
        try:
            response = cached_answer(WSGIRequest(environ), database=False)
        except DisallowedHost:
            response = None  # Django answers it (400) and logs it
        if response is None:
            return self.application(environ, start_response)
        start_response(
            f"{response.status_code} {response.reason_phrase}", list(response.items())
        )
        # The content, not the response: closing that would send request_finished,
        # for a request Django never started.
        return [response.content]
