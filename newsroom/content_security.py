"""
The Content-Security-Policy header, by django-csp: the public site's policy is
CONTENT_SECURITY_POLICY (or its report-only twin); story pages add the embed
providers' frames and scripts (NEWSROOM_STORY_CSP_DIRECTIVES); the admin has its
own, NEWSROOM_ADMIN_CSP_DIRECTIVES, which lets the story editor run.

The public policy never names a nonce: public pages are cached and served to every
reader alike, so they carry no inline script (JSON-LD blocks are data, not script).
"""

from csp.middleware import CSPMiddleware
from django.conf import settings
from django.urls import Resolver404, resolve

from common.links import link

# Story pages, which may show embeds (NEWSROOM_STORY_CSP_DIRECTIVES): public, by
# preview link, and the story form's Preview (under the admin, yet a reader's page).
STORY_VIEWS = {
    "articles:detail",
    "articles:preview",
    "admin:articles_article_preview",
    "admin:articles_article_preview_new",
}


class ContentSecurityPolicy(CSPMiddleware):
    """django-csp's middleware, with the story pages' policy for story pages and the
    admin's for the rest of the admin."""

    def get_policy_parts(self, request, response, report_only=False):
        parts = super().get_policy_parts(request, response, report_only)
        if parts.config is not None or report_only != settings.NEWSROOM_CSP_REPORT_ONLY:
            return (
                parts  # a view chose a policy of its own, or this is the other header
            )
        if is_story_page(request):
            parts.config = settings.NEWSROOM_STORY_CSP_DIRECTIVES
        elif request.path.startswith(link("admin:index")):
            parts.config = settings.NEWSROOM_ADMIN_CSP_DIRECTIVES
        return parts


def is_story_page(request):
    match = request.resolver_match
    if match is None:
        # A page from the page cache was answered before URL resolution.
        try:
            match = resolve(request.path_info)
        except Resolver404:
            return False
    return match.view_name in STORY_VIEWS
