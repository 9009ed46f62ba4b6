"""
Settings for Newsroom, read from the environment.

Every value has a safe default for a laptop (SQLite, local-memory cache, DEBUG on). In
production (DEBUG off) SECRET_KEY and ALLOWED_HOSTS are required and the site refuses to
start without them. See the README for the full table of variables.
"""

import os
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
from csp.constants import NONCE, NONE, SELF, UNSAFE_INLINE
from django.core.exceptions import ImproperlyConfigured
from js_asset import static_lazy

from newsroom.embed_providers import STANDARD_PROVIDERS as STANDARD_EMBED_PROVIDERS
from newsroom.embed_providers import origins as embed_origins

BASE_DIR = Path(__file__).resolve().parent.parent


def env(name, default=""):
    return os.environ.get(name, default)


def env_bool(name, default=False):
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name, default=""):
    return [item.strip() for item in env(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", default=True)

SECRET_KEY = env("SECRET_KEY")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS")
if DEBUG:
    # A development key, never used with DEBUG off (see the check below).
    SECRET_KEY = SECRET_KEY or "django-insecure-development-only-key-do-not-deploy"
    ALLOWED_HOSTS = ALLOWED_HOSTS or ["localhost", "127.0.0.1", "[::1]", "testserver"]
else:
    if not SECRET_KEY:
        raise ImproperlyConfigured(
            "Set SECRET_KEY in the environment when DEBUG is off."
        )
    if not ALLOWED_HOSTS:
        raise ImproperlyConfigured(
            "Set ALLOWED_HOSTS (comma-separated) in the environment when DEBUG is off."
        )
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "taggit",
    "django_prose_editor",
    "reversion",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "delivery",
    "photos",
    "embeds",
    "articles",
    "fronts",
    "live",
    "notes",
    "readers",
    "demo",
    "accounts",
]

MIDDLEWARE = [
    # Kept public pages, for readers without a session: before everything below,
    # which is run only to render a page. Each page is kept with the headers all of
    # it gave the page (the security policies: they cost a cached page more than
    # the rest of its answer), so that a page from the cache carries them too, and
    # newsroom.wsgi can answer it before Django's handler (delivery/wsgi.py).
    "delivery.page_cache.ServeCachedPages",
    # First of the rest, so that it sees every cookie the others set.
    "delivery.middleware.PrivateByDefault",
    "django.middleware.security.SecurityMiddleware",
    # Static files answered before sessions or the database are touched.
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "newsroom.content_security.ContentSecurityPolicy",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Whether this session's sign-in was checked with a code, and who needs one.
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "accounts.middleware.RequireTwoFactor",
    # Last, as django-axes asks: turns a locked-out login into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "newsroom.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "readers.context_processors.site",
            ],
        },
    },
]

WSGI_APPLICATION = "newsroom.wsgi.application"

# SQLite in the project folder unless DATABASE_URL says otherwise (postgres://…). An
# empty DATABASE_URL (a blanked line in .env) counts as unset.
DATABASES = {
    "default": dj_database_url.parse(
        env("DATABASE_URL") or f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(env("CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
# The story page's own queries are PREPAREd once a PostgreSQL session
# (common/prepared.py); off behind a pooler that shares sessions between clients.
NEWSROOM_PREPARED_QUERIES = env_bool("NEWSROOM_PREPARED_QUERIES", True)
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # Two requests writing at once (an autosave and the Save button) must queue, not
    # fail: SQLite's default deferred transaction takes the write lock only at its
    # first write and gives up at once ("database is locked") if another writer has
    # it; an immediate one takes it at BEGIN, where the busy timeout lets it wait.
    sqlite_options = DATABASES["default"].setdefault("OPTIONS", {})
    sqlite_options["transaction_mode"] = "IMMEDIATE"
    sqlite_options.setdefault("timeout", 20)  # unless DATABASE_URL says otherwise
    # Tests on SQLite use a file, not memory, so that threads (a live server, racing
    # requests) each get a real connection of their own.
    # TEST_DB_FILE lets two test runs share a checkout without sharing a database.
    DATABASES["default"]["TEST"] = {
        "NAME": str(BASE_DIR / env("TEST_DB_FILE", "test-db.sqlite3"))
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Local memory by default; Django's Redis backend when CACHE_URL or REDIS_URL is set.
CACHE_URL = env("CACHE_URL") or env("REDIS_URL")
if CACHE_URL:
    CACHES = {
        "default": {
            # Django's Redis cache, except that pages are still served (uncached, and
            # the failure logged) while Redis is down.
            "BACKEND": "delivery.redis_cache.FailOpenRedisCache",
            "LOCATION": CACHE_URL,
            "KEY_PREFIX": env("CACHE_KEY_PREFIX", "newsroom"),
            # A Redis that stops answering must not hold pages up for long.
            "OPTIONS": {"SOCKET_CONNECT_TIMEOUT": 1, "SOCKET_TIMEOUT": 1},
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# Public pages: how long browsers (max-age) and shared caches such as a CDN (s-maxage)
# may keep them, and how long the server keeps a rendered page; 0 turns that off. Off
# by default with the local-memory cache: it is per process, so a change made through
# one gunicorn worker would not reach the pages the others keep.
NEWSROOM_BROWSER_CACHE_SECONDS = int(env("NEWSROOM_BROWSER_CACHE_SECONDS", "60"))
NEWSROOM_SHARED_CACHE_SECONDS = int(env("NEWSROOM_SHARED_CACHE_SECONDS", "600"))
# A picture's renditions at the edge (photos/views.py): no purge reaches them, so a
# picture deleted stays there this long. A day, not a page's minutes: behind nginx,
# whose pages are kept seconds, every rendition would be read from storage as often.
NEWSROOM_PICTURE_SHARED_SECONDS = int(env("NEWSROOM_PICTURE_SHARED_SECONDS", "86400"))
NEWSROOM_PAGE_CACHE_SECONDS = int(
    env("NEWSROOM_PAGE_CACHE_SECONDS", "600" if CACHE_URL else "0")
)
# Each page is kept a little less at random, up to this share of that time, so that
# pages first asked together do not all expire together (delivery.page_cache.lifetime).
NEWSROOM_PAGE_CACHE_SPREAD = float(env("NEWSROOM_PAGE_CACHE_SPREAD", "0.2"))
if not 0 <= NEWSROOM_PAGE_CACHE_SPREAD < 1:
    # A share of 1 or more could keep a page for no time, or less than none.
    raise ImproperlyConfigured("NEWSROOM_PAGE_CACHE_SPREAD is from 0 to under 1.")
# Each app process holds the fresh pages it serves in its memory, letting go of those
# a change touches when it is announced (delivery/held_pages.py). This is the longest
# a change takes to reach a page held by another process should its announcement be
# lost: a process serves nothing it holds unless it has heard every change made up to
# this long ago. 0: every hit asks Redis.
NEWSROOM_PAGE_CACHE_LOCAL_SECONDS = float(
    env("NEWSROOM_PAGE_CACHE_LOCAL_SECONDS", "0.5")
)
# How many pages each app process holds at most, the one served longest ago let go
# first. Readers' story pages follow a Zipf law over the archive: drawn as the news
# day draws them, 300 a process left a fifth of requests to a trip to Redis, 2,000 a
# twelfth (bench/NEWSDAY.md's notes, with the throughput measured). The limit counts
# pages, not bytes: some 30 KB a story page, so about 60 MB a worker if they are
# story pages; larger ones (a feed) count the same. 0: none held.
NEWSROOM_PAGE_CACHE_LOCAL_PAGES = int(env("NEWSROOM_PAGE_CACHE_LOCAL_PAGES", "2000"))
if NEWSROOM_PAGE_CACHE_LOCAL_PAGES < 0:
    raise ImproperlyConfigured("NEWSROOM_PAGE_CACHE_LOCAL_PAGES is 0 or more.")

# django-axes first: it refuses a locked-out sign-in before a password is checked.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation."
        "UserAttributeSimilarityValidator"
    },
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Times are stored in UTC; pages show them in the newsroom's own zone.
LANGUAGE_CODE = env("LANGUAGE_CODE", "en-us")
TIME_ZONE = env("NEWSROOM_TIME_ZONE", "America/New_York")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(env("STATIC_ROOT", str(BASE_DIR / "staticfiles")))
# With DEBUG off, WhiteNoise serves the files collectstatic gathered: gzipped ahead
# of time and with the content's hash in their names, so browsers may keep them for
# ten years. With DEBUG on, and so in tests, the files are found where they lie and
# nothing needs collecting first.
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
# Decided here, not by WhiteNoise at start-up: the test runner turns DEBUG off after the
# settings are read, and the tests must not need collectstatic.
WHITENOISE_USE_FINDERS = DEBUG
WHITENOISE_AUTOREFRESH = DEBUG

MEDIA_URL = env("MEDIA_URL", "/media/")
MEDIA_ROOT = Path(env("MEDIA_ROOT", str(BASE_DIR / "media")))
# Let Django serve uploads itself: on in development; in production a web server,
# CDN or object storage should, but a small site or a test run may turn it on.
SERVE_MEDIA = env_bool("SERVE_MEDIA", default=DEBUG)
# Behind nginx (deploy/nginx.conf): the app checks who may have an upload and answers
# with an X-Accel-Redirect to this internal location, from which nginx sends the file.
NEWSROOM_MEDIA_ACCEL_REDIRECT = env("NEWSROOM_MEDIA_ACCEL_REDIRECT")
# Uploads larger than these are refused: bytes, and pixels (decompression bombs).
NEWSROOM_IMAGE_MAX_BYTES = int(env("NEWSROOM_IMAGE_MAX_BYTES", str(40 * 1024 * 1024)))
NEWSROOM_IMAGE_MAX_PIXELS = int(env("NEWSROOM_IMAGE_MAX_PIXELS", str(60_000_000)))
# Django's own cap on an upload held in memory before it goes to a temporary file.
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# The publication itself.
NEWSROOM_SITE_NAME = env("NEWSROOM_SITE_NAME", "The Ellery Ledger")
NEWSROOM_SITE_DESCRIPTION = env(
    "NEWSROOM_SITE_DESCRIPTION",
    "News that explains Port Ellery: politics, climate, science, culture and money.",
)
NEWSROOM_STORIES_PER_PAGE = int(env("NEWSROOM_STORIES_PER_PAGE", "20"))
# How often an open live story's page asks for new entries while it is visible.
NEWSROOM_LIVE_POLL_SECONDS = float(env("NEWSROOM_LIVE_POLL_SECONDS", "20"))
# How many entries a live story's page shows; older ones are a link away.
NEWSROOM_LIVE_PAGE_ENTRIES = int(env("NEWSROOM_LIVE_PAGE_ENTRIES", "50"))
# The publisher logo named in structured data: a static file and its pixel size.
NEWSROOM_LOGO = env("NEWSROOM_LOGO", "img/logo.png")
NEWSROOM_LOGO_SIZE = tuple(
    int(n) for n in env("NEWSROOM_LOGO_SIZE", "600x60").split("x")
)
NEWSROOM_LANGUAGE = env("NEWSROOM_LANGUAGE", "en")
# The story editor's own blocks: pull quotes and pictures (articles/body_editor.py).
DJANGO_PROSE_EDITOR_EXTENSIONS = [
    {
        "js": [static_lazy("js/prose-extensions.js")],
        "extensions": {
            "PullQuote": "articles.body_editor.pull_quote_markup",
            "LibraryPicture": "articles.body_editor.library_picture_markup",
            "StyleNonce": "articles.body_editor.no_markup",
        },
    },
    {
        "js": [static_lazy("js/story-block-extensions.js")],
        "extensions": {
            "Embed": "articles.body_editor.embed_markup",
            "Gallery": "articles.body_editor.gallery_markup",
            "CaptionedTable": "articles.body_editor.table_markup",
        },
    },
]

# The page cache asks the reader site when the next story or front arrangement is
# scheduled to go public, what a scheduled change then touches, and which kept
# searches a change to stories touches once it is applied (delivery/page_cache.py).
NEWSROOM_NEXT_PUBLICATION = "readers.dependencies.next_scheduled_change"
NEWSROOM_SCHEDULED_KEYS = "readers.dependencies.scheduled_keys"
NEWSROOM_MATCHED_KEYS = "readers.search_pages.matched_keys"
# Purges at the edge (delivery/purge.py, delivery/purgers.py), sent by a thread of
# each app process: to each Varnish running deploy/varnish.vcl, and to the CDN whose
# account is given (the API addresses change only for a stand-in, as in the tests).
# None by default.
NEWSROOM_PURGERS = []
NEWSROOM_PURGE_IN_BACKGROUND = env_bool("NEWSROOM_PURGE_IN_BACKGROUND", True)


def cdn_account(name, *variables):
    """The values of `variables`, all set, or None if none is."""
    values = [env(variable) for variable in variables]
    if any(values) and not all(values):
        raise ImproperlyConfigured(f"Set {' and '.join(variables)} to purge at {name}.")
    return values if all(values) else None


if urls := env_list("NEWSROOM_VARNISH_PURGE_URLS"):
    NEWSROOM_PURGERS.append(
        {"BACKEND": "delivery.purgers.VarnishPurger", "OPTIONS": {"urls": urls}}
    )
if account := cdn_account(
    "Fastly", "NEWSROOM_FASTLY_SERVICE_ID", "NEWSROOM_FASTLY_API_TOKEN"
):
    NEWSROOM_PURGERS.append(
        {
            "BACKEND": "delivery.purgers.FastlyPurger",
            "OPTIONS": {
                "service_id": account[0],
                "api_token": account[1],
                "api_url": env("NEWSROOM_FASTLY_API_URL", "https://api.fastly.com"),
            },
        }
    )
if account := cdn_account(
    "Cloudflare", "NEWSROOM_CLOUDFLARE_ZONE_ID", "NEWSROOM_CLOUDFLARE_API_TOKEN"
):
    NEWSROOM_PURGERS.append(
        {
            "BACKEND": "delivery.purgers.CloudflarePurger",
            "OPTIONS": {
                "zone_id": account[0],
                "api_token": account[1],
                "api_url": env(
                    "NEWSROOM_CLOUDFLARE_API_URL",
                    "https://api.cloudflare.com/client/v4",
                ),
            },
        }
    )
if distribution := env("NEWSROOM_CLOUDFRONT_DISTRIBUTION_ID"):
    NEWSROOM_PURGERS.append(
        {
            "BACKEND": "delivery.purgers.CloudFrontPurger",
            "OPTIONS": {
                "distribution_id": distribution,
                "endpoint_url": env("NEWSROOM_CLOUDFRONT_ENDPOINT_URL") or None,
            },
        }
    )
# CloudFront purges by path: the reader site says which pages a key names.
NEWSROOM_PURGE_PATHS = "readers.edge_paths.paths_for"
# The header telling the edge what a public page shows (delivery/keys.py):
# Surrogate-Key (Fastly; deploy/varnish.vcl reads it too), xkey (Varnish), Cache-Tag
# (Cloudflare). A CDN that purges by key reads only its own: that is the default.
CDN_KEY_HEADERS = {
    "delivery.purgers.FastlyPurger": "Surrogate-Key",
    "delivery.purgers.CloudflarePurger": "Cache-Tag",
}
needed = {
    CDN_KEY_HEADERS[spec["BACKEND"]]
    for spec in NEWSROOM_PURGERS
    if spec["BACKEND"] in CDN_KEY_HEADERS
}
NEWSROOM_SURROGATE_KEY_HEADER = env(
    "NEWSROOM_SURROGATE_KEY_HEADER", min(needed, default="Surrogate-Key")
)
if needed - {NEWSROOM_SURROGATE_KEY_HEADER}:
    # The CDN would find no keys on the pages, and every purge would miss.
    raise ImproperlyConfigured(
        f"The CDN purging by key reads the keys from {' and '.join(sorted(needed))}, "
        f"not from NEWSROOM_SURROGATE_KEY_HEADER={NEWSROOM_SURROGATE_KEY_HEADER}."
    )
# The article form's Preview shows the reader site's story page.
NEWSROOM_STORY_PREVIEW = "readers.previews.render_story_preview"
# The arrangement form's Preview shows the reader site's home or section page.
NEWSROOM_FRONT_PREVIEW = "readers.previews.render_front_preview"
# The photo library asks the stories and live entries where its pictures are used
# (photos/uses.py).
NEWSROOM_PICTURE_USES = "live.picture_uses.LivePictureUses"

# Email (notifications: notes/emails.py). Printed to the console in development; in
# production, an SMTP server (EMAIL_HOST and the rest) or a provider's backend
# (EMAIL_BACKEND, e.g. anymail's) configured by the environment.
EMAIL_HOST = env("EMAIL_HOST")
EMAIL_BACKEND = env(
    "EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend"
    if EMAIL_HOST
    else "django.core.mail.backends.console.EmailBackend",
)
EMAIL_PORT = int(env("EMAIL_PORT", "587"))
EMAIL_HOST_USER = env("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", default=EMAIL_PORT == 587)
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", default=EMAIL_PORT == 465)
# A mail server that does not answer must not hold a save up for long.
EMAIL_TIMEOUT = int(env("EMAIL_TIMEOUT", "10"))
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", "newsroom@localhost")
# The newsroom's own address, for links in emails (no request to ask it of).
NEWSROOM_SITE_URL = env("NEWSROOM_SITE_URL", "http://127.0.0.1:8000")

# How long a shared preview link of an unpublished story stays valid.
NEWSROOM_PREVIEW_HOURS = int(env("NEWSROOM_PREVIEW_HOURS", "48"))

# The admin login (django-axes). Failures are counted per username *and* address:
# someone guessing at a colleague's password from elsewhere locks out only himself,
# never her at her desk. A successful sign-in clears the count; a lock lasts the
# cool-off (0: until an administrator unlocks it, in the admin's Access attempts or
# with `manage.py axes_reset_username`).
AXES_FAILURE_LIMIT = int(env("NEWSROOM_LOGIN_FAILURE_LIMIT", "5"))
if AXES_FAILURE_LIMIT < 1:
    # 0 would lock everyone out at the first try, the right password included.
    raise ImproperlyConfigured("NEWSROOM_LOGIN_FAILURE_LIMIT is 1 or more.")
NEWSROOM_LOGIN_COOLOFF_MINUTES = int(env("NEWSROOM_LOGIN_COOLOFF_MINUTES", "15"))
AXES_COOLOFF_TIME = (
    timedelta(minutes=NEWSROOM_LOGIN_COOLOFF_MINUTES)
    if NEWSROOM_LOGIN_COOLOFF_MINUTES > 0
    else None
)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
# No version banner on every manage.py command.
AXES_VERBOSE = False
AXES_RESET_ON_SUCCESS = True
# A try while locked out does not start the wait again: the page's minutes hold.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_LOCKOUT_CALLABLE = "accounts.lockout.locked_out"
AXES_CLIENT_IP_CALLABLE = "accounts.lockout.client_address"
# How many proxies of ours (nginx, a load balancer) stand in front of the app and
# append to X-Forwarded-For; 0 reads the address from the connection. Behind
# deploy/nginx.conf it is 1; left at 0 there, every sign-in would seem to come from
# nginx and share one count.
NEWSROOM_TRUSTED_PROXIES = int(env("NEWSROOM_TRUSTED_PROXIES", "0"))

# Two-factor sign-in (django-otp, TOTP): anyone on the staff may turn it on. Set to
# `editors` (superusers and whoever may publish) or `staff` (everyone), it is
# required: they reach the admin only after setting up an authenticator app.
NEWSROOM_REQUIRE_2FA = env("NEWSROOM_REQUIRE_2FA", "").strip().lower()
if NEWSROOM_REQUIRE_2FA in {"off", "false", "no", "0"}:
    NEWSROOM_REQUIRE_2FA = ""
if NEWSROOM_REQUIRE_2FA not in {"", "editors", "staff"}:
    raise ImproperlyConfigured(
        "NEWSROOM_REQUIRE_2FA is `editors`, `staff` or empty (off), "
        f"not {NEWSROOM_REQUIRE_2FA!r}."
    )
# The name an authenticator app shows beside the code.
OTP_TOTP_ISSUER = NEWSROOM_SITE_NAME
# Codes stay out of django-axes' records of sign-ins and its log, like passwords
# (and, as by default, usernames and addresses in the log).
AXES_SENSITIVE_PARAMETERS = ["username", "ip_address", "otp_token"]


def url_origin(url):
    """The scheme and host of an absolute URL (a CDN's), or None for a path."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}" if parts.netloc else None


# Content-Security-Policy (django-csp). Public pages run only the site's own files:
# no inline script (JSON-LD blocks are data, not script), no eval, no plugins, no
# frames, and no page may frame them. NEWSROOM_CSP_FRAME_SRC and
# NEWSROOM_CSP_SCRIPT_SRC add the origins that embeds (a video, a map) will need;
# uploads served from another host (MEDIA_URL on a CDN) are allowed as images.
NEWSROOM_CSP_FRAME_SRC = env_list("NEWSROOM_CSP_FRAME_SRC")
NEWSROOM_CSP_SCRIPT_SRC = env_list("NEWSROOM_CSP_SCRIPT_SRC")
# The providers a story may embed from (embeds/): add a newsroom's own here.
NEWSROOM_EMBED_PROVIDERS = [*STANDARD_EMBED_PROVIDERS]
# Seconds the editor waits at most for a provider's answer.
NEWSROOM_EMBED_TIMEOUT = float(env("NEWSROOM_EMBED_TIMEOUT", "5"))
NEWSROOM_CSP_REPORT_ONLY = env_bool("NEWSROOM_CSP_REPORT_ONLY")
NEWSROOM_CSP_REPORT_URI = env("NEWSROOM_CSP_REPORT_URI")
PUBLIC_CSP_DIRECTIVES = {
    "default-src": [SELF],
    "script-src": [SELF, *NEWSROOM_CSP_SCRIPT_SRC],
    "style-src": [SELF],
    "img-src": [SELF, *filter(None, [url_origin(MEDIA_URL)])],
    "object-src": [NONE],
    "base-uri": [SELF],
    "form-action": [SELF],
    "frame-ancestors": [NONE],
    "frame-src": NEWSROOM_CSP_FRAME_SRC or [NONE],
}
# Story pages, which may embed: the public policy, and the frames and scripts of the
# listed embed providers, which load only when a reader asks for an embed.
NEWSROOM_STORY_CSP_DIRECTIVES = {
    **PUBLIC_CSP_DIRECTIVES,
    "script-src": [
        SELF,
        *embed_origins(NEWSROOM_EMBED_PROVIDERS, "scripts", NEWSROOM_CSP_SCRIPT_SRC),
    ],
    "frame-src": embed_origins(
        NEWSROOM_EMBED_PROVIDERS, "frames", NEWSROOM_CSP_FRAME_SRC
    ),
}
# The admin: as strict, except for what the story editor needs. Its import map (a
# script) and Tiptap's base styles are inline, and carry the response's nonce. And
# style attributes are allowed: the editor reads them in pasted text (Google Docs
# marks bold with one) before the sanitiser drops them. Inline event handlers, in
# pasted text or anywhere, stay blocked. No embeds in the admin.
NEWSROOM_ADMIN_CSP_DIRECTIVES = {
    **PUBLIC_CSP_DIRECTIVES,
    "script-src": [SELF, NONCE],
    "style-src": [SELF, NONCE],
    "style-src-attr": [UNSAFE_INLINE],
    # A picture about to be uploaded is shown from the writer's own disk (a blob:
    # address made by the page's script) to set its focal point before it is sent.
    "img-src": [*PUBLIC_CSP_DIRECTIVES["img-src"], "blob:"],
    "frame-src": [NONE],
}
if NEWSROOM_CSP_REPORT_URI:
    PUBLIC_CSP_DIRECTIVES["report-uri"] = [NEWSROOM_CSP_REPORT_URI]
    NEWSROOM_STORY_CSP_DIRECTIVES["report-uri"] = [NEWSROOM_CSP_REPORT_URI]
    NEWSROOM_ADMIN_CSP_DIRECTIVES["report-uri"] = [NEWSROOM_CSP_REPORT_URI]
# Report-only: browsers report what the policy would block, and block nothing.
if NEWSROOM_CSP_REPORT_ONLY:
    CONTENT_SECURITY_POLICY_REPORT_ONLY = {"DIRECTIVES": PUBLIC_CSP_DIRECTIVES}
else:
    CONTENT_SECURITY_POLICY = {"DIRECTIVES": PUBLIC_CSP_DIRECTIVES}

# In the admin a writer sees public stories and those she wrote or is bylined on;
# true shows writers every story, drafts included (editors always see them all).
NEWSROOM_WRITERS_SEE_ALL_STORIES = env_bool("NEWSROOM_WRITERS_SEE_ALL_STORIES")

# Production hardening whenever DEBUG is off; each can be switched for a TLS proxy.
if env_bool("SECURE_PROXY_SSL_HEADER"):
    # Only behind a proxy that sets X-Forwarded-Proto itself; a client could forge it.
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
if not DEBUG:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_HSTS_SECONDS = int(env("SECURE_HSTS_SECONDS", "31536000"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
    # The header only allows a submission to the preload list; it enrolls nothing.
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", default=True)
    # Off only for a production-like server on plain http on one's own machine
    # (`make serve`); browsers drop secure cookies sent over http.
    SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", default=True)
    CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "INFO"},
    },
}
