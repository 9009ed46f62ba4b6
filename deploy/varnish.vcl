vcl 4.1;
# Varnish in front of Newsroom's gunicorn (gunicorn.conf.py), with purges by key.
#
# For Varnish 7 with vmod xkey from varnish-modules (Debian: `apt-get install varnish
# varnish-modules`). Load it with `varnishd -f /etc/varnish/newsroom.vcl` (on Debian,
# copy it to /etc/varnish/default.vcl, or point varnish.service's -f at it). The values
# to change are the backends' address (four backends, one app: see below), the
# probe's Host (one of the app's ALLOWED_HOSTS) and X-Forwarded-Proto (as the TLS proxy
# in front sends it), and the purgers ACL; start the app with
# NEWSROOM_VARNISH_PURGE_URLS=http://<this Varnish>:6081/ (one URL per Varnish) and
# NEWSROOM_TRUSTED_PROXIES=1 (2 with nginx or a TLS terminator in front of Varnish).
# tests/test_edge.py runs a varnishd of its own with this very file, its addresses
# swapped for the test's.
#
# What it does: caches anonymous readers' pages for as long as the app's
# `Cache-Control: s-maxage` allows, by host and URL (and scheme, which absolute links
# in the pages depend on), honouring the app's Vary; passes anyone with a session
# (staff) and the admin straight through; indexes each page by the dependency keys
# the app sends with it (the Surrogate-Key, xkey or Cache-Tag header: see
# NEWSROOM_SURROGATE_KEY_HEADER) and forgets the pages of a key when the app sends a
# PURGE for it (delivery/purgers.py's VarnishPurger). An ordinary change is a soft
# purge: the page stays in grace, so the next reader gets the previous copy while
# one request fetches it again; a takedown (a story unpublished, deleted, moved to a
# later time or past its take-down time) is a hard purge: the pages go at once and
# nobody gets the old copy, not even in grace.
#
# Stampedes: Varnish coalesces requests for the same page by itself. While one
# request fetches a page that is not in the cache, the others for it wait for that
# answer (the waiting list) rather than all going to the app; while an expired or
# soft-purged page is fetched again in the background, readers get the copy in grace.
#
# Waves: pages first asked together (after a cold start, say) expire together. Each
# reader who meets one in grace is answered at once while Varnish fetches it again in
# the background, so nothing the readers do bounds those fetches: on the news day
# (bench/NEWSDAY.md) hundreds queued at the app's workers, and a change's pages,
# fetched the same way, waited up to 30 s behind them. So pages that merely expired
# are fetched again two at a time (newsroom_renewals), one over that given up
# and tried again by the next reader; pages a purge expired (a change) four at a
# time, on a backend of their own (newsroom_changes), not behind the renewals; and
# while the app answers a page is served no more than a second
# past its time: after that its readers wait for it to be fetched, as for a page not
# in the cache, so that a wave slows readers rather than going stale (it then reaches
# the app as fast as readers ask, which the app may still not keep up with), and a
# change reaches a page that had already expired (which a soft purge leaves as it is).

import std;
import xkey;

backend newsroom_app {
    .host = "127.0.0.1";
    .port = "8000";
    # A stuck app must not hold readers for long: rendering takes milliseconds.
    .connect_timeout = 2s;
    .first_byte_timeout = 30s;
    .between_bytes_timeout = 10s;
}

# The same app, for renewing pages that merely expired (fetched in the background
# while their copy in grace is served), two at a time (Varnish counts a connection
# once it is made, so more starting in the same instant can slip by): below the
# app's workers (gunicorn.conf.py; three on two cores), so that renewals alone never
# take them all from readers' pages and changes. Raise it with the workers.
backend newsroom_renewals {
    .host = "127.0.0.1";
    .port = "8000";
    .connect_timeout = 2s;
    .first_byte_timeout = 30s;
    .between_bytes_timeout = 10s;
    .max_connections = 2;
}

# The same app, for fetching again in the background pages a purge expired, four at
# a time: not held up behind the renewals, since readers must see a change within
# seconds, and not all at once either. A change to one of the newest stories purges
# every page whose links show its headline, thousands of them; readers asking for
# them within the second of grace set off as many fetches in the background, and
# on the news day (bench/NEWSDAY.md's notes, 2026-12-06) 2,039 went to the app in
# one second, took up to 3.3 s to be answered, and held some 2,000 of Varnish's
# threads, so that readers' connections waited for a thread; readers of any page
# then waited up to seconds. Over four, the copy stays in grace for the next reader,
# and past that second its readers fetch the page as one not cached (on
# newsroom_app, as many as ask). Four, more than the renewals' two though gunicorn
# has three workers: these fetches are mostly answered from the app's own cache
# (the links block rendered again from kept values), a millisecond or two each.
backend newsroom_changes {
    .host = "127.0.0.1";
    .port = "8000";
    .connect_timeout = 2s;
    .first_byte_timeout = 30s;
    .between_bytes_timeout = 10s;
    .max_connections = 4;
}

# The same app again, only asked whether it answers (never sent a reader's request):
# while it does, pages are served at most a second past their time; while it does
# not, for the whole grace. The probe must get a 200: its Host one of the app's
# ALLOWED_HOSTS, and X-Forwarded-Proto as the TLS proxy in front sets it for readers
# (without it the app redirects plain http: SECURE_SSL_REDIRECT). One the app
# refuses makes the app look down: pages are then kept in grace for the minute, and
# a wave of them renewed two at a time can be up to a minute old.
backend newsroom_health {
    .host = "127.0.0.1";
    .port = "8000";
    .probe = {
        .request =
            "GET /robots.txt HTTP/1.1"
            "Host: localhost"
            "X-Forwarded-Proto: https"
            "Connection: close";
        .interval = 2s;
        .timeout = 2s;
        .window = 3;
        .threshold = 2;
        .initial = 2;
    }
}

# Who may purge: the app servers (their address as Varnish sees it). Anyone else
# gets 405.
acl purgers {
    "127.0.0.1";
    "::1";
}

sub vcl_recv {
    # What the cache did, for the X-Cache header, and whether a page in grace was
    # purged (vcl_hit): never the reader's own, or anyone could move renewals onto
    # the changes' fetches.
    unset req.http.X-Cache;
    unset req.http.X-Purged;

    if (req.method == "PURGE") {
        if (client.ip !~ purgers) {
            return (synth(405, "Purges only from the app servers"));
        }
        # The keys are space-separated (delivery/keys.py): a hard purge removes the
        # pages; a soft one expires them and keeps them in grace.
        if (req.http.xkey-purge) {
            set req.http.n-gone = xkey.purge(req.http.xkey-purge);
        } else if (req.http.xkey-softpurge) {
            set req.http.n-gone = xkey.softpurge(req.http.xkey-softpurge);
        } else {
            return (synth(400, "No keys to purge"));
        }
        return (synth(200, "Purged " + req.http.n-gone));
    }

    if (req.method != "GET" && req.method != "HEAD") {
        return (pass);
    }
    # A page past its time is served while it is fetched again, but while the app
    # answers only for a second (see Waves above); past that, readers wait for it.
    # Should that fetch fail, the request starts again (vcl_synth) with the page's
    # whole grace, for the copy kept.
    if (req.restarts == 0 && std.healthy(newsroom_health)) {
        set req.grace = 1s;
    } else {
        set req.grace = 1h;  # no limit short of each page's own (a minute)
    }
    # Staff (Django's session cookie) and the admin: every answer is their own.
    if (req.url ~ "^/admin(/|$)" || req.http.Cookie ~ "(^|;)\s*sessionid=") {
        return (pass);
    }
    # An anonymous reader's other cookies (a CSRF token a form left, analytics) do
    # not change the page: without them the app's `Vary: Cookie` finds one copy.
    unset req.http.Cookie;
    # On to the built-in rules: cache it (unless Authorization says otherwise).
}

sub vcl_hash {
    # Pages carry absolute links (canonical, feeds): http and https differ. With
    # TLS ended in front of Varnish, that proxy sets X-Forwarded-Proto.
    hash_data(req.http.X-Forwarded-Proto);
    # The built-in rules add the URL and the host.
}

sub vcl_hit {
    if (obj.ttl >= 0s) {
        set req.http.X-Cache = "HIT";
    } else {
        # In grace: this copy is served while a fetch in the background renews it.
        set req.http.X-Cache = "HIT-STALE";
        # A copy that was kept its whole time merely expired; one a purge cut short
        # shows something that changed, and is fetched on a backend of its own
        # (vcl_backend_fetch).
        if (obj.ttl + obj.age < std.duration(obj.http.X-Kept-For, 0s) - 0.01s) {
            set req.http.X-Purged = "yes";
        }
    }
}

sub vcl_miss {
    set req.http.X-Cache = "MISS";
}

sub vcl_pass {
    set req.http.X-Cache = "PASS";
}

sub vcl_backend_fetch {
    if (bereq.is_bgfetch && bereq.http.X-Purged) {
        set bereq.backend = newsroom_changes;
    } else if (bereq.is_bgfetch) {
        set bereq.backend = newsroom_renewals;
    }
    unset bereq.http.X-Purged;
    unset bereq.http.X-Cache;
    unset bereq.http.n-gone;
}

sub vcl_backend_response {
    # xkey indexes the page by its `xkey` header; the app may send the keys as
    # Surrogate-Key (Fastly's name) or Cache-Tag (Cloudflare's, comma-separated).
    if (!beresp.http.xkey) {
        if (beresp.http.Surrogate-Key) {
            set beresp.http.xkey = beresp.http.Surrogate-Key;
        } else if (beresp.http.Cache-Tag) {
            set beresp.http.xkey = regsuball(beresp.http.Cache-Tag, ",", " ");
        }
    }
    # A fetch that fails (the app erring) keeps the copy in grace rather than putting
    # the error in its place: see vcl_backend_error.
    if (beresp.status >= 500) {
        call keep_the_old_copy;
    }
    # Lifetimes are the app's (s-maxage before max-age). A page it marked
    # `s-maxage=0` (a copy served while it is rendered again) or `private` is never
    # cached, nor kept in grace: the built-in rules make it a hit-for-miss.
    # Grace: how long a page expired or softly purged may be kept to be served while
    # one request fetches it again. Readers get the old copy only during that fetch,
    # milliseconds as a rule, and while the app answers for a second at most
    # (vcl_recv); the whole minute matters when the app is failing or down.
    if (beresp.ttl > 0s) {
        set beresp.grace = 1m;
    }
    # How long the copy is to be kept in all (its age now and the time left), for
    # vcl_hit to tell a copy that expired from one a purge expired early: a purge
    # shortens the time, and obj.age + obj.ttl is the time as it now stands.
    set beresp.http.X-Kept-For = beresp.age + beresp.ttl + "s";
    # Text is stored gzipped and unzipped for the rare reader who does not take gzip.
    # (Pages the app keeps come gzipped already, and are stored as they come.)
    if (beresp.http.Content-Type ~ "^(text/|application/(rss\+xml|atom\+xml|xml|json|javascript)|image/svg\+xml)") {
        set beresp.do_gzip = true;
    }
}

sub vcl_backend_error {
    # A fetch that could not be made (the app down, or two renewals, or four
    # changes' fetches, already under way) keeps the copy in grace.
    call keep_the_old_copy;
}

sub keep_the_old_copy {
    # A fetch in the background (a renewal, or a purged page's) is given up: the copy
    # stays in grace, and a later reader tries again. So is a reader's fetch of a
    # page of which a copy is kept (Varnish then asks the app If-None-Match or
    # If-Modified-Since; a reader's own are not sent on a fetch, only on a pass): her
    # request starts again with the whole grace and gets that copy (vcl_synth),
    # rather than the error.
    if (bereq.is_bgfetch || (!bereq.uncacheable && (bereq.http.If-None-Match || bereq.http.If-Modified-Since))) {
        return (abandon);
    }
}

sub vcl_synth {
    # A reader's fetch given up above (Varnish answers 503): once more, with the
    # whole grace (vcl_recv), for the copy kept.
    if (resp.status == 503 && req.restarts == 0 && req.method != "PURGE") {
        return (restart);
    }
}

sub vcl_deliver {
    # The keys are for this cache, not for readers (a CDN in front of this Varnish
    # reading Surrogate-Key needs it kept: remove that line then). Cloudflare reads,
    # and drops, Cache-Tag itself.
    unset resp.http.xkey;
    unset resp.http.Surrogate-Key;
    unset resp.http.X-Kept-For;
    # HIT, HIT-STALE, MISS or PASS: what the cache did, for debugging and the tests.
    set resp.http.X-Cache = req.http.X-Cache;
}
