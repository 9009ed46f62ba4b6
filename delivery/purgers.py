"""
The edges purge.py can tell to forget pages: Varnish (deploy/varnish.vcl), Fastly,
Cloudflare and CloudFront.

Each purger is made from the OPTIONS of its entry in NEWSROOM_PURGERS (settings.py
builds them from the environment) and has one method, `purge(keys, *, soft)`: forget
the pages showing what the dependency `keys` (keys.py) name. `soft` purges (ordinary
changes) let the edge serve the previous copy while it fetches the page again, where
the edge can; hard ones (takedowns) leave no copy anywhere. Any failure, an error
answer, a timeout or an edge out of reach, raises PurgeFailed with a message saying
which edge and why, and purge.py tries again later; timeouts are short, so that an
edge that stops answering holds up only the purge thread, and not for long.
"""

import http.client
import json
import urllib.error
import urllib.parse
import urllib.request
import uuid

from django.conf import settings
from django.utils.module_loading import import_string

from .purge import PurgeFailed

# Seconds to wait for an edge to answer one purge request.
TIMEOUT = 5


def _batches(items, size):
    """`items`, sorted, in lists of at most `size`."""
    items = sorted(items)
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _send(edge, request, timeout, *, direct=False):
    """The body of the edge's answer to `request`; PurgeFailed, saying why, unless
    it is a success (2xx). Through the proxy the environment names (HTTPS_PROXY,
    as boto3 does), unless `direct`."""
    opener = urllib.request.build_opener(
        *([urllib.request.ProxyHandler({})] if direct else [])
    )
    try:
        with opener.open(request, timeout=timeout) as response:
            return response.read()
    except urllib.error.HTTPError as error:
        detail = error.read(500).decode("utf-8", "replace").strip()
        raise PurgeFailed(
            f"{edge} answered {error.code} {error.reason}"
            + (f": {detail}" if detail else "")
        ) from error
    except urllib.error.URLError as error:  # refused, unknown host, timeout connecting
        raise PurgeFailed(f"{edge} could not be reached: {error.reason}") from error
    except TimeoutError as error:
        raise PurgeFailed(f"{edge} did not answer within {timeout} s") from error
    except (OSError, http.client.HTTPException) as error:  # reset, cut short
        raise PurgeFailed(f"{edge} broke off: {error!r}") from error


class VarnishPurger:
    """Varnish running deploy/varnish.vcl: a PURGE request to each Varnish with the
    keys in the header the VCL reads, `xkey-softpurge` (the pages expire but stay in
    grace, so that readers get the previous copy while one request fetches the page
    again) or `xkey-purge` (the pages are gone).

    Every Varnish is told, even when one fails; the keys are then sent to all of
    them again later, which is harmless.
    """

    # Varnish takes request header lines of up to 8 KB (http_req_hdr_len): the keys
    # go in requests of at most this many bytes of them.
    HEADER_BYTES = 6000

    def __init__(self, urls, timeout=TIMEOUT):
        self.urls = [urls] if isinstance(urls, str) else list(urls)
        self.timeout = timeout

    def purge(self, keys, *, soft):
        header = "xkey-softpurge" if soft else "xkey-purge"
        failures = []
        for url in self.urls:
            try:
                for batch in self._batches(keys):
                    request = urllib.request.Request(
                        url, method="PURGE", headers={header: " ".join(batch)}
                    )
                    # Straight to it: Varnish is on the app servers' own network.
                    _send(f"Varnish at {url}", request, self.timeout, direct=True)
            except PurgeFailed as error:
                failures.append(str(error))
        if failures:
            raise PurgeFailed("; ".join(failures))

    def _batches(self, keys):
        batch, size = [], 0
        for key in sorted(keys):
            if batch and size + len(key) + 1 > self.HEADER_BYTES:
                yield batch
                batch, size = [], 0
            batch.append(key)
            size += len(key) + 1
        if batch:
            yield batch


class FastlyPurger:
    """Fastly: the batch surrogate-key purge of the API (POST
    /service/<id>/purge), its keys in a Surrogate-Key header, as many as Fastly
    takes in one request. Soft purges mark the pages stale (Fastly-Soft-Purge), so
    that Fastly may serve them while it fetches them again (if the service allows
    stale content); hard ones remove them.

    The app must send its keys as Surrogate-Key (NEWSROOM_SURROGATE_KEY_HEADER).
    """

    API_URL = "https://api.fastly.com"
    BATCH = 256  # keys per request, Fastly's limit

    def __init__(self, service_id, api_token, api_url=API_URL, timeout=TIMEOUT):
        self.url = (
            f"{api_url.rstrip('/')}/service/{urllib.parse.quote(service_id, safe='')}"
            "/purge"
        )
        self.api_token = api_token
        self.timeout = timeout

    def purge(self, keys, *, soft):
        for batch in _batches(keys, self.BATCH):
            headers = {
                "Fastly-Key": self.api_token,
                "Surrogate-Key": " ".join(batch),
                "Accept": "application/json",
            }
            if soft:
                headers["Fastly-Soft-Purge"] = "1"
            request = urllib.request.Request(
                self.url, data=b"", method="POST", headers=headers
            )
            _send("Fastly", request, self.timeout)


class CloudflarePurger:
    """Cloudflare: purge by cache tag (POST /zones/<zone>/purge_cache with the tags),
    as many tags a request as Cloudflare takes, with an API token allowed to purge
    the zone's cache. Cloudflare has no soft purge: every purge removes the pages.

    The app must send its keys as Cache-Tag (NEWSROOM_SURROGATE_KEY_HEADER).
    """

    API_URL = "https://api.cloudflare.com/client/v4"
    BATCH = 100  # tags per request, Cloudflare's limit on every plan

    def __init__(self, zone_id, api_token, api_url=API_URL, timeout=TIMEOUT):
        self.url = (
            f"{api_url.rstrip('/')}/zones/{urllib.parse.quote(zone_id, safe='')}"
            "/purge_cache"
        )
        self.api_token = api_token
        self.timeout = timeout

    def purge(self, keys, *, soft):
        for batch in _batches(keys, self.BATCH):
            request = urllib.request.Request(
                self.url,
                data=json.dumps({"tags": batch}).encode(),
                method="POST",
                headers={
                    "Authorization": f"Bearer {self.api_token}",
                    "Content-Type": "application/json",
                },
            )
            try:
                answer = json.loads(_send("Cloudflare", request, self.timeout))
            except ValueError as error:
                raise PurgeFailed(f"Cloudflare's answer is not JSON: {error}") from None
            if not (isinstance(answer, dict) and answer.get("success")):
                errors = answer.get("errors") if isinstance(answer, dict) else answer
                raise PurgeFailed(f"Cloudflare refused the purge: {errors}")


class CloudFrontPurger:
    """Amazon CloudFront: an invalidation of paths (CreateInvalidation, through
    boto3, with the credentials boto3 finds: the environment, ~/.aws, an instance
    role).

    CloudFront does not purge by key, so the keys become the paths of the pages
    that show what they name, as the function named by NEWSROOM_PURGE_PATHS knows
    them (readers/edge_paths.py: a story's own page, a section's, author's or tag's
    page and feeds, the home page and the site's feeds). A page that shows an author,
    a picture or a story elsewhere (another story's byline or related block), and
    a list's pages after the first, are not found that way: behind CloudFront they
    are as fresh as NEWSROOM_SHARED_CACHE_SECONDS, which should be short. CloudFront
    has no soft purge.
    """

    # Paths per invalidation: CloudFront allows 3,000 in progress at once.
    BATCH = 1000
    EVERYTHING = "/*"

    def __init__(
        self,
        distribution_id,
        endpoint_url=None,
        region_name="us-east-1",
        paths=None,
        timeout=TIMEOUT,
    ):
        self.distribution_id = distribution_id
        self.endpoint_url = endpoint_url or None
        self.region_name = region_name
        self.paths = paths or settings.NEWSROOM_PURGE_PATHS
        self.timeout = timeout

    def purge(self, keys, *, soft):
        paths = set(import_string(self.paths)(keys))
        if self.EVERYTHING in paths:
            paths = {self.EVERYTHING}  # one path, which covers the rest
        if not paths:
            return
        import boto3
        from botocore.config import Config
        from botocore.exceptions import BotoCoreError, ClientError

        # A session of its own: boto3's default one is not to be shared by threads.
        client = boto3.session.Session().client(
            "cloudfront",
            endpoint_url=self.endpoint_url,
            region_name=self.region_name,
            config=Config(
                connect_timeout=self.timeout,
                read_timeout=self.timeout,
                # purge.py tries again later; botocore's retries would hold the
                # purge thread meanwhile.
                retries={"total_max_attempts": 1},
            ),
        )
        for batch in _batches(paths, self.BATCH):
            try:
                client.create_invalidation(
                    DistributionId=self.distribution_id,
                    InvalidationBatch={
                        "Paths": {"Quantity": len(batch), "Items": batch},
                        "CallerReference": uuid.uuid4().hex,
                    },
                )
            except ClientError as error:  # CloudFront answered with an error
                raise PurgeFailed(
                    f"CloudFront refused the invalidation: {error}"
                ) from error
            except BotoCoreError as error:  # no answer: refused, timed out, cut off
                raise PurgeFailed(
                    f"CloudFront could not be reached: {error}"
                ) from error
