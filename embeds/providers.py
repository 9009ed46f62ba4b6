"""
Asking the providers listed in settings (NEWSROOM_EMBED_PROVIDERS, see
newsroom/embed_providers.py) what an address shows, through micawber.

Only listed providers are asked, with a short timeout, and an answer is only ever
data: what it may put on a page is decided by cleaning.py.
"""

import json
import re
from functools import cache
from typing import NamedTuple

from django.conf import settings
from django.utils.translation import gettext as _
from micawber import exceptions
from micawber.providers import Provider as OEmbedEndpoint
from micawber.providers import ProviderRegistry

USER_AGENT = "Newsroom oEmbed consumer"


class Provider(NamedTuple):
    """A listed provider: its name, the origins its frames and script may come from,
    the classes its script looks for, the origins its thumbnails are fetched from."""

    name: str
    frames: tuple
    scripts: tuple
    classes: tuple
    is_frame_only: bool
    thumbnails: tuple = ()


class EmbedError(Exception):
    """The provider gave nothing usable; the message says so to the editor."""


class FrameOnly:
    """A provider without oEmbed whose address is the frame itself (Google Maps'
    "embed a map"): the answer is made here, without asking anyone."""

    def __init__(self, name, title):
        self.name = name
        self.title = title

    def request(self, url, **params):
        return {
            "type": "rich",
            "version": "1.0",
            "provider_name": self.name,
            "title": self.title,
            "html": f'<iframe src="{url}" width="600" height="450"></iframe>',
            "width": 600,
            "height": 450,
        }


@cache
def _registry(providers_json, timeout):
    registry = ProviderRegistry()
    listed = {}
    for entry in settings.NEWSROOM_EMBED_PROVIDERS:
        if entry.get("endpoint"):
            endpoint = OEmbedEndpoint(
                entry["endpoint"],
                timeout=timeout,
                user_agent=USER_AGENT,
                **entry.get("params", {}),
            )
        else:
            endpoint = FrameOnly(entry["name"], entry.get("title", entry["name"]))
        provider = Provider(
            entry["name"],
            tuple(entry.get("frames", ())),
            tuple(entry.get("scripts", ())),
            tuple(entry.get("classes", ())),
            not entry.get("endpoint"),
            tuple(entry.get("thumbnails", ())),
        )
        for pattern in entry["urls"]:
            registry.register(pattern, endpoint)
            listed[pattern] = provider
    return registry, listed


def registry():
    """(micawber's registry, {pattern: Provider}) for the providers in settings now
    (tests change the list)."""
    return _registry(
        json.dumps(settings.NEWSROOM_EMBED_PROVIDERS, sort_keys=True),
        settings.NEWSROOM_EMBED_TIMEOUT,
    )


def provider_for(url):
    """The listed Provider that answers for `url`, or None: then it stays a link."""
    _registry, listed = registry()
    for pattern, provider in listed.items():
        if re.match(pattern, url):
            return provider
    return None


def patterns():
    """The address patterns of every listed provider, for the editor."""
    return [p for entry in settings.NEWSROOM_EMBED_PROVIDERS for p in entry["urls"]]


def ask(url):
    """The provider's answer for `url` (a dict), or EmbedError saying why not."""
    provider = provider_for(url)
    if provider is None:
        raise EmbedError(_("No listed provider embeds this address."))
    registry_, _listed = registry()
    try:
        answer = registry_.request(url, maxwidth=720)
    except exceptions.ProviderTimeoutException as error:
        raise EmbedError(
            _("%(provider)s did not answer in time.") % {"provider": provider.name}
        ) from error
    except exceptions.ProviderHTTPException as error:
        raise EmbedError(
            _("%(provider)s refused this address (HTTP %(status)s).")
            % {"provider": provider.name, "status": error.status}
        ) from error
    except exceptions.InvalidResponseException as error:
        raise EmbedError(
            _("%(provider)s answered with something that is not oEmbed.")
            % {"provider": provider.name}
        ) from error
    except (exceptions.ProviderException, OSError, ValueError) as error:
        # Refused connections, broken answers, addresses urllib will not open.
        raise EmbedError(
            _("%(provider)s could not be reached.") % {"provider": provider.name}
        ) from error
    return answer
