"""Middleware of the public site."""

from .page_cache import private


class PrivateByDefault:
    """No cache may keep a response unless its view said how (public pages, images,
    static files, the admin's never_cache all do); and no shared cache (a CDN, nginx)
    may keep one that sets a cookie, whatever the view said, for it would hand the
    cookie to other readers. So an error page, a form's CSRF cookie or a session
    never ends up in a CDN.

    First in MIDDLEWARE after ServeCachedPages (which sets no cookie, and answers
    only with pages kept public), so that it sees the cookies every other
    middleware sets (the CSRF token, the session) after the view has answered.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        cache_control = response.get("Cache-Control", "")
        if not cache_control or (response.cookies and "public" in cache_control):
            private(response)
        return response
