"""
The Content-Security-Policy header, by django-csp: the public site's policy is
CONTENT_SECURITY_POLICY (or its report-only twin); the admin has its own,
NEWSROOM_ADMIN_CSP_DIRECTIVES, which lets the story editor run.

The public policy never names a nonce: public pages are cached and served to every
reader alike, so they carry no inline script (JSON-LD blocks are data, not script).
"""

from csp.middleware import CSPMiddleware
from django.conf import settings
from django.urls import Resolver404, resolve, reverse

# Story pages, which may show embeds (NEWSROOM_STORY_CSP_DIRECTIVES).
STORY_VIEWS = {"articles:detail", "articles:preview"}


class ContentSecurityPolicy(CSPMiddleware):
    """django-csp's middleware, with the admin's policy for pages under the admin."""

    def get_policy_parts(self, request, response, report_only=False):
        parts = super().get_policy_parts(request, response, report_only)
        if (
            parts.config is None  # no view chose a policy of its own
            and report_only == settings.NEWSROOM_CSP_REPORT_ONLY
            and request.path.startswith(reverse("admin:index"))
        ):
            parts.config = settings.NEWSROOM_ADMIN_CSP_DIRECTIVES
        elif (
            parts.config is None
            and report_only == settings.NEWSROOM_CSP_REPORT_ONLY
            and is_story_page(request)
        ):
            parts.config = settings.NEWSROOM_STORY_CSP_DIRECTIVES
        return parts


def is_story_page(request):
    # Resolved here: a page from the page cache was answered before URL resolution.
    try:
        return resolve(request.path_info).view_name in STORY_VIEWS
    except Resolver404:
        return False
