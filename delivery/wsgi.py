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

from http import HTTPStatus

from django.core.exceptions import DisallowedHost
from django.core.handlers.wsgi import WSGIRequest

from .page_cache import answer_kept, fresh_page, headers_kept, is_conditional


class CachedPagesFirst:
    """WSGI middleware: `application` (Django's), after the cached pages."""

    def __init__(self, application):
        self.application = application

    def __call__(self, environ, start_response):
        request = WSGIRequest(environ)
        try:
            found = fresh_page(request, database=False)
        except DisallowedHost:
            found = None  # Django answers it (400), and logs it
        if found is None:
            return self.application(environ, start_response)
        if is_conditional(request):
            response = answer_kept(request, found)  # perhaps a 304
            status, headers = response.status_code, list(response.items())
            content = response.content
        else:
            # Most requests: sent as kept, without building a response (whose
            # headers would be checked again, as they were when the page was).
            status, headers = found.entry.get("status", 200), headers_kept(found)
            content = found.entry["content"]
        start_response(f"{status} {HTTPStatus(status).phrase}", headers)
        # The content, not a response: closing that would send request_finished,
        # for a request Django never started.
        return [content]
