import functools
import json
from typing import NamedTuple
from urllib.parse import quote, urlencode

from django import template
from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from articles.models import Byline
from articles.sanitize import xml_text
from common import links, times
from common.kept import Kept
from photos import renditions
from readers.story_blocks import render_body
from readers.story_page import SectionLink

register = template.Library()

# What Django's json_script escapes, so that "</script>" inside a headline stays text.
JSON_SCRIPT_ESCAPES = {"<": "\\u003C", ">": "\\u003E", "&": "\\u0026"}


# A time as a newsroom prints it, in its own zone: "Feb 20, 2018, 5:20pm EST".
newsroom_time = register.filter("newsroom_time", times.newsroom_time)


@register.filter(name="xml_text")
def xml_text_filter(value):
    """Text for an XML file, without the characters XML cannot carry."""
    return xml_text(value)


@register.filter
def iso_time(value):
    """A time for a `datetime` attribute, with the newsroom zone's offset, to the
    second (HTML allows at most three digits of a fraction; entries posted now have
    six)."""
    return timezone.localtime(value).isoformat(timespec="seconds") if value else ""


@register.simple_tag(takes_context=True)
def absolute_url(context, path):
    """`path` as a full URL on the host the page was requested from."""
    return context["request"].build_absolute_uri(path)


@register.simple_tag
def ld_json(data):
    """A <script type="application/ld+json"> block, escaped so no text can close it."""
    text = json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False)
    for char, escaped in JSON_SCRIPT_ESCAPES.items():
        text = text.replace(char, escaped)
    return format_html(
        '<script type="application/ld+json">{}</script>', mark_safe(text)
    )


SHARE_LINK = '<li><a href="{}">{}<span class="visually-hidden"> {}</span></a></li>'


@register.simple_tag
def share_links(url, title):
    """The list items of links to share a story: plain URLs, no third-party
    scripts."""
    both = urlencode({"url": url, "text": title})
    networks = [
        (
            _("Email"),
            "mailto:?" + urlencode({"subject": title, "body": url}, quote_via=quote),
        ),
        (
            "Bluesky",
            "https://bsky.app/intent/compose?" + urlencode({"text": f"{title} {url}"}),
        ),
        ("X", "https://x.com/intent/post?" + both),
        (
            "Facebook",
            "https://www.facebook.com/sharer/sharer.php?" + urlencode({"u": url}),
        ),
        (
            "LinkedIn",
            "https://www.linkedin.com/sharing/share-offsite/?"
            + urlencode({"url": url}),
        ),
    ]
    hidden = _("(share this story)")
    return format_html_join(
        "", SHARE_LINK, ((link, network, hidden) for network, link in networks)
    )


@register.simple_tag(takes_context=True)
def story_body(context, article, images, embeds=None):
    """The story's body for readers, with the library pictures it shows (`images`:
    id to Image) and its tables, galleries and embeds (story_blocks.py)."""
    return render_body(
        article.body,
        images=images,
        embeds=embeds or {},
        preview_token=context.get("preview_token"),
    )


@register.simple_tag
def byline_links(bylines):
    """ "By A", "By A and B", "By A, B (contributor), and C": names linked, in the
    editor's order, whatever their roles; a role other than author is named after
    the name it credits."""
    return by_names(
        format_html(
            '<a href="{}">{}</a>{}',
            b.author.get_absolute_url(),
            b.author.name,
            ""
            if b.role == Byline.Role.AUTHOR
            else format_html(
                ' <span class="byline__role">({})</span>',
                b.get_role_display().lower(),
            ),
        )
        for b in bylines
    )


def by_names(names):
    """ "By A", "By A and B", "By A, B, and C" of `names` (safe HTML each), or ""."""
    names = list(names)
    if not names:
        return ""
    if len(names) == 1:
        joined = names[0]
    elif len(names) == 2:
        joined = format_html(_("{} and {}"), *names)
    else:
        joined = format_html(
            _("{}, and {}"),
            format_html_join(", ", "{}", ((name,) for name in names[:-1])),
            names[-1],
        )
    return format_html(_("By {}"), joined)


# Built here rather than by an included template: a list page renders twenty of these,
# and an inclusion tag's own template and context cost more than the markup itself.
PICTURE = (
    "<picture>\n"
    '  <source type="image/avif" srcset="{avif}" sizes="{sizes}">\n'
    '  <source type="image/webp" srcset="{webp}" sizes="{sizes}">\n'
    '  <img src="{src}" srcset="{jpeg}" sizes="{sizes}" width="{width}" '
    'height="{height}" alt="{alt}"{loading} decoding="async">\n'
    "</picture>"
)


@register.simple_tag(takes_context=True)
def picture(context, image, spec, sizes, alt=None, eager=False):
    """A responsive <picture> of `image` cropped to `spec`: AVIF, then WebP, then JPEG,
    every width the spec allows, and the size attributes that prevent layout shift."""
    spec = renditions.SPECS[spec]
    widths = image.rendition_widths(spec)

    # A preview page's pictures are not public yet: its link's token lets them through.
    token = context.get("preview_token")
    suffix = f"?{urlencode({'preview': token})}" if token else ""

    def srcset(fmt):
        urls = image.rendition_urls(spec, widths, fmt)
        return ", ".join(
            f"{url}{suffix} {width}w" for url, width in zip(urls, widths, strict=True)
        )

    fallback = widths[len(widths) // 2]
    width, height = image.rendition_size(spec, fallback)
    return format_html(
        PICTURE,
        avif=srcset("avif"),
        webp=srcset("webp"),
        jpeg=srcset("jpg"),
        src=image.get_rendition_url(spec, fallback) + suffix,
        sizes=sizes,
        width=width,
        height=height,
        alt=image.alt_text if alt is None else alt,
        loading=mark_safe(' fetchpriority="high"' if eager else ' loading="lazy"'),
    )


STORY_LINK = """
  <li>
    {section}<a href="{url}">{headline}</a>
    <time datetime="{iso}">{shown}</time>
  </li>"""
STORY_LINK_SECTION = '<span class="story-links__section">{}</span>\n    '


@register.simple_tag
def story_link_list(stories):
    """A compact list of stories (StoryLinks): section, headline, time. Built here
    rather than by an included template, as PICTURE is: a story page shows seven."""
    made_under = (*links.made_under(), timezone.get_current_timezone_name())
    items = format_html_join(
        "", "{}", ((_story_link_item(story, *made_under),) for story in stories)
    )
    return format_html('<ul class="story-links">{}\n</ul>', items)


@functools.lru_cache(maxsize=4096)
def _story_link_item(story, urlconf, script_prefix, zone):
    """story_link_list's item for the StoryLink `story`, made once a process: most
    of the stories a story page links to are the newest in a section or by an
    author, which thousands of pages link to. Besides the story's values, its HTML
    depends only on what its address is reversed under (`urlconf`,
    `script_prefix`: links.made_under()) and the time zone its time is printed in
    (`zone`), which are in the key with them."""
    section = story.primary_category
    return format_html(
        STORY_LINK,
        section=format_html(STORY_LINK_SECTION, section.name) if section else "",
        url=story.get_absolute_url(),
        headline=story.headline,
        iso=iso_time(story.published_at),
        shown=newsroom_time(story.published_at),
    )


STORY_CARD = """<article class="story-card{modifier}">
  {image}<div class="story-card__text">
    {live}{section}<h{level} class="story-card__headline">\
<a href="{url}">{headline}</a></h{level}>
    {dek}<p class="story-card__meta">
      <span class="byline">{byline}</span>
      <time datetime="{iso}">{shown}</time>
    </p>
  </div>
</article>"""
STORY_CARD_IMAGE = (
    '<a class="story-card__image" href="{}" tabindex="-1" aria-hidden="true">\n'
    "{}\n  </a>\n  "
)
# The picture's width in each layout (static/css: .story-list, .front).
LEAD_CARD_SIZES = (
    "(min-width: 72rem) 42rem, (min-width: 48rem) 58vw, calc(100vw - 2rem)"
)
CARD_SIZES = (
    "(min-width: 72rem) 22rem, (min-width: 64rem) 30vw, (min-width: 48rem) 45vw, 30vw"
)


# Cards made, by what they show (CardFacts) and how: most of the stories a list page
# shows are on other lists too (the home, their section, their authors' and tags'
# pages). About 2 KB each.
_kept_cards = Kept(2000)


class CardFacts(NamedTuple):
    """All a story card shows of its story, as values: what its HTML is kept by."""

    # id, slug, publish time, headline, dek, and whether its coverage is live
    story: tuple
    section: SectionLink | None
    # id, file, size and focal point of the lead picture: its renditions' URLs
    picture: tuple | None
    authors: tuple  # (slug, name) of each author credited, in byline order

    @classmethod
    def of(cls, story):
        section, image = story.primary_category, story.lead_image
        return cls(
            (
                story.pk,
                story.slug,
                story.published_at,
                story.headline,
                story.dek,
                bool(getattr(story, "is_live", False)),
            ),
            section and SectionLink(section.pk, section.name, section.slug),
            image
            and (
                image.pk,
                image.file.name,
                image.width,
                image.height,
                image.focal_x,
                image.focal_y,
            ),
            tuple((b.author.slug, b.author.name) for b in story.author_bylines()),
        )


@register.simple_tag(takes_context=True)
def story_card(context, story, lead=False, heading=2):
    """One story in a list (a river, a front, search results): its picture, "Live"
    while its coverage is open, its section, headline, dek, bylines and time.
    `lead` draws it large; `heading` is its headline's level. Built here rather
    than by an included template, as PICTURE is: a list page shows twenty; and
    made once a process for the same facts, made under the same URLs, time zone and
    language (but on a preview, whose pictures carry its token)."""
    lead, heading = bool(lead), int(heading or 2)
    if context.get("preview_token"):
        return _story_card(context, story, lead, heading)
    key = (
        CardFacts.of(story),
        lead,
        heading,
        *links.made_under(),
        timezone.get_current_timezone_name(),
        get_language(),
    )
    made = _kept_cards.get(key)
    if made is None:
        made = _story_card(context, story, lead, heading)
        _kept_cards.put(key, made)
    return made


def _story_card(context, story, lead, heading):
    url = story.get_absolute_url()
    section = story.primary_category
    image = ""
    if story.lead_image:
        if lead:
            shown = picture(
                context, story.lead_image, "lead", LEAD_CARD_SIZES, alt="", eager=True
            )
        else:
            shown = picture(context, story.lead_image, "card", CARD_SIZES, alt="")
        image = format_html(STORY_CARD_IMAGE, url, shown)
    return format_html(
        STORY_CARD,
        modifier=" story-card--lead" if lead else "",
        image=image,
        live=format_html(
            '<p class="story-card__live"><span class="live-label">{}</span></p>\n    ',
            _("Live"),
        )
        if getattr(story, "is_live", False)
        else "",
        section=format_html(
            '<p class="story-card__section"><a href="{}">{}</a></p>\n    ',
            section.get_absolute_url(),
            section.name,
        )
        if section
        else "",
        level=heading,
        url=url,
        headline=story.headline,
        dek=format_html('<p class="story-card__dek">{}</p>\n    ', story.dek)
        if story.dek
        else "",
        byline=byline_links(story.author_bylines()),
        iso=iso_time(story.published_at),
        shown=newsroom_time(story.published_at),
    )


@register.simple_tag(takes_context=True)
def section_links(context):
    """The navigation's list of sections, the one shown marked as the current page:
    made once a render (the header shows it twice: the menu and the bar)."""
    made = context.render_context.get("section_links")
    if made is None:
        current = context.get("current_section")
        current_pk = current.pk if current else None
        items = format_html_join(
            "",
            '\n  <li><a href="{}"{}>{}</a></li>\n  ',
            (
                (
                    section.get_absolute_url(),
                    mark_safe(' aria-current="page"')
                    if section.pk == current_pk
                    else "",
                    section.name,
                )
                for section in context.get("navigation_sections") or ()
            ),
        )
        made = context.render_context["section_links"] = format_html(
            "<ul>\n  {}\n</ul>\n", items
        )
    return made


@register.simple_tag(takes_context=True)
def site_chrome(context, template_name):
    """`template_name` (the header, the footer, the site's feeds) rendered with what
    it may show: the site's name and description, the navigation's sections, the
    section whose page this is, and the search's query. Every page shows the same
    chrome for the same of these, so it is rendered once a process for each (but
    for a query, which readers type) rather than once a page."""
    current = context.get("current_section")
    shown = (
        template_name,
        context.get("site_name"),
        context.get("site_description"),
        tuple(
            SectionLink(section.pk, section.name, section.slug)
            for section in context.get("navigation_sections") or ()
        ),
        current and SectionLink(current.pk, current.name, current.slug),
    )
    query = context.get("query")
    if query or settings.DEBUG:  # in DEBUG, an edited template shows at once
        return _render_chrome(*shown, query=query)
    # Kept by language too: the template is translated into the active one.
    return _kept_chrome(*shown, get_language())


def _render_chrome(
    template_name, site_name, site_description, sections, current, query=""
):
    return render_to_string(
        template_name,
        {
            "site_name": site_name,
            "site_description": site_description,
            "navigation_sections": sections,
            "current_section": current,
            "query": query,
        },
    )


@functools.lru_cache(maxsize=64)
def _kept_chrome(*shown_in_language):
    # The last argument, the language, is part of the key only.
    return _render_chrome(*shown_in_language[:-1])


@receiver(setting_changed, dispatch_uid="reader_chrome_forgotten")
def forget_chrome(**kwargs):
    # Tests change the settings the chrome and the cards are made with (their URLs,
    # static files).
    _kept_chrome.cache_clear()
    _kept_cards.clear()
