"""
Embeds in a story's body: `<figure data-embed-url="https://…"></figure>`.

Like a placed picture, the body keeps only the address; what the provider said is
an Embed row, rendered with the page. Pure string work, no ORM.
"""

import html
import re

# After sanitising (articles/sanitize.py) an embed is exactly this element.
EMBED = re.compile(r'<figure data-embed-url="([^"]+)"></figure>')


def embed_urls(body):
    """The addresses `body` embeds, in order, each once."""
    return list(dict.fromkeys(html.unescape(url) for url in EMBED.findall(body)))


def expand(body, render):
    """`body` with each embed replaced by `render(url)`."""
    return EMBED.sub(lambda match: render(html.unescape(match.group(1))), body)


def snippet(url):
    """What the editor writes into a body to embed `url`, as a saved body holds it:
    the sanitiser escapes &, <, > and " in an attribute, not ' (it quotes with "),
    and stories embedding `url` are found by this very text."""
    escaped = html.escape(url, quote=False).replace('"', "&quot;")
    return f'<figure data-embed-url="{escaped}"></figure>'
