"""How an embed shows on a page: a light placeholder, the provider's frame or post
loaded only when the reader asks for it (static/js/story-blocks.js)."""

from django.template.loader import render_to_string
from django.utils.html import format_html

from . import cleaning, providers


def render_embed(url, embed):
    """The placeholder of `embed` (an Embed, or None if never asked), or a plain link
    when its provider is no longer listed or gave nothing usable."""
    provider = providers.provider_for(url)
    if provider is None or embed is None or not embed.is_usable:
        return plain_link(url, embed)
    # Cleaned when it was stored; cleaned again against today's provider list.
    html = cleaning.clean_embed(
        embed.html,
        frames=provider.frames,
        classes=provider.classes,
        title=embed.title or provider.name,
    )
    script = (
        embed.script_url
        if cleaning.origin(embed.script_url) in provider.scripts
        else ""
    )
    if "<iframe" not in html and not script:
        return plain_link(url, embed)
    return render_to_string(
        "embeds/embed.html",
        {"embed": embed, "provider": provider, "html": html, "script_url": script},
    )


def plain_link(url, embed=None):
    """The embed as a link to the original, as feeds carry it and pages show it
    when there is nothing else to show."""
    title = embed.title if embed and embed.title else url
    provider = embed.provider_name if embed and embed.provider_name else ""
    if provider:
        return format_html(
            '<p class="embed-link"><a href="{}">{}</a> ({})</p>', url, title, provider
        )
    return format_html('<p class="embed-link"><a href="{}">{}</a></p>', url, title)
