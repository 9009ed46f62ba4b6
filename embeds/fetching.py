"""Asking a provider about an address and keeping its answer (Embed)."""

from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from . import cleaning, providers, thumbnails
from .models import Embed

# Longest text kept from an answer's fields, as the model allows.
MAX_TITLE = 500
MAX_AUTHOR = 300


def _number(value):
    try:
        number = int(value)
    except (TypeError, ValueError):
        return None
    return number if 0 < number < 100_000 else None


def _web_address(value):
    return value if isinstance(value, str) and cleaning.origin(value) else ""


def _text(value, limit):
    return value.strip()[:limit] if isinstance(value, str) else ""


def fetch_embed(url, *, refresh=False):
    """The Embed for `url`: asked of its provider the first time, or again when
    `refresh`. A failure is recorded on it (`error`) and keeps any earlier answer,
    so a provider that is down never takes away what a page already shows."""
    embed, _created = Embed.objects.get_or_create(url=url)
    if embed.fetched_at and not refresh:
        return embed  # answered before: never asked again unless the editor says
    provider = providers.provider_for(url)
    replaced = None
    try:
        answer = providers.ask(url)
        apply_answer(embed, answer, provider)
        replaced = thumbnails.refresh(embed, provider)
    except providers.EmbedError as error:
        embed.error = str(error)
        embed.provider_name = embed.provider_name or (provider.name if provider else "")
    embed.save()
    if replaced:
        transaction.on_commit(lambda: default_storage.delete(replaced))
    return embed


def apply_answer(embed, answer, provider):
    """Fill `embed` from a provider's `answer`, or raise EmbedError when there is
    nothing in it a page could show."""
    title = _text(answer.get("title"), MAX_TITLE)
    raw_html = answer.get("html") if isinstance(answer.get("html"), str) else ""
    html = cleaning.clean_embed(
        raw_html,
        frames=provider.frames,
        classes=provider.classes,
        title=title or provider.name,
    )
    script = cleaning.script_source(raw_html, provider.scripts)
    if not html or ("<iframe" not in html and not script):
        raise providers.EmbedError(
            _(
                "%(provider)s sent nothing this site can show (no frame or post "
                "from its own addresses)."
            )
            % {"provider": provider.name}
        )
    embed.provider_name = provider.name
    embed.kind = _text(answer.get("type"), 20)
    embed.title = title
    embed.author_name = _text(answer.get("author_name"), MAX_AUTHOR)
    embed.thumbnail_url = _web_address(answer.get("thumbnail_url"))
    embed.html = html
    embed.script_url = script
    embed.width = _number(answer.get("width"))
    embed.height = _number(answer.get("height"))
    embed.answer = answer
    embed.fetched_at = timezone.now()
    embed.error = ""
