"""
Newsroom's WSGI application as the news-day benchmark serves it: the same
application (newsroom.wsgi, of whichever design's code is on the path), with one
header added to every answer, X-Bench-Render: 1 if the request queried the database
for content (the page was rendered), 0 if it did not (served from the page cache),
`links` if its only query for content was a story page's links (the page cache
rendered that block alone into the page it kept: delivery/fragments.py). The
invalidation outbox, which the page cache reads now and then to verify itself,
does not count. gunicorn's access log records the header (bench/news_day.py sets
its format), and the app's cache hit ratio is counted from it.
"""

from django.db import connection

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
