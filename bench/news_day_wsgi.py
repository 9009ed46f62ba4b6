"""
Newsroom's WSGI application as the news-day benchmark serves it: the same
application (newsroom.wsgi, of whichever design's code is on the path), with one
header added to every answer, X-Bench-Render: 1 if the request queried the database
for content (the page was rendered), 0 if it did not (served from the page cache),
`links` if its only query for content was a story page's links (the page cache
rendered that block alone into the page it kept: delivery/fragments.py). The
invalidation outbox, which the page cache reads now and then to verify itself,
does not count. gunicorn's access log records the header, and the app's cache hit
ratio is counted from it.

The access log is written by AccessLog (bench/news_day.py names it as gunicorn's
logger class), a line a request in the form news_day.read_access_log reads. What
gunicorn writes for its own access log formats cost some 5% of the workers' time
on the news day (py-spy: a dictionary of every header and environ variable made
for each request), which production, where gunicorn keeps no access log
(gunicorn.conf.py), does not spend.
"""

from django.db import connection
from gunicorn.glogging import Logger

from newsroom.wsgi import application as newsroom

OUTBOX = "delivery_invalidation"
# In the story page's links queries alone (readers/story_sql.py): the candidates,
# sent as they are or as their prepared statement (common/prepared.py), and the
# links of stories chosen before, read once a change (readers/story_links.py).
LINKS = ("part.mark", "EXECUTE story_links_", "linked.headline")


def application(environ, start_response):
    queries = {"content": 0, "links": 0}

    def counting(execute, sql, params, many, context):
        if OUTBOX not in sql:
            links = any(mark in sql for mark in LINKS)
            queries["links" if links else "content"] += 1
        return execute(sql, params, many, context)

    def start(status, headers, exc_info=None):
        rendered = "1" if queries["content"] else "links" if queries["links"] else "0"
        headers.append(("X-Bench-Render", rendered))
        return start_response(status, headers, exc_info)

    # Django answers in full (queries done) before it calls start_response.
    with connection.execute_wrapper(counting):
        return newsroom(environ, start)


class AccessLog(Logger):
    """gunicorn's logger, with a line a request in the access log: the status, the
    X-Bench-Render header, the user agent and the request line, split by "|"."""

    def access(self, resp, req, environ, request_time):
        if not self.access_log_enabled:
            return
        rendered = next(
            (value for name, value in resp.headers if name == "X-Bench-Render"), "-"
        )
        agent = environ.get("HTTP_USER_AGENT", "-")
        major, minor = req.version
        request = f"{req.method} {req.uri} HTTP/{major}.{minor}"
        self.access_log.info("%s|%s|%s|%s", resp.status_code, rendered, agent, request)
