"""Middleware of the public site."""

from django.utils.cache import patch_cache_control


class NoSharedCachingOfCookies:
    """A response that sets a cookie belongs to one reader: no shared cache (a CDN,
    nginx) may keep it and hand the cookie to others, whatever the view allowed.

    First in MIDDLEWARE, so it sees the cookies every other middleware sets (the CSRF
    token, the session) after the view has answered.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if response.cookies and "public" in response.get("Cache-Control", ""):
            del response["Cache-Control"]
            patch_cache_control(response, private=True, no_store=True)
        return response
