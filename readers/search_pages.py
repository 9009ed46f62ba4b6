"""
Kept searches forgotten by what they find: a change to a story touches the pages of
the searches it joins, leaves or moves in, and no other search's.

A search's page depends on `search:<digest of its query>` (dependencies.search) and
on `list:searches`; its snippets, on the keys of the stories it shows. Before its
stories are read, the query is written down in the *register* of searches kept (a
sorted set in Redis, by the time of its latest render), for as long as a cache may
keep its page. A change to a public story is written down in the outbox with the
story's id and its search document as it was (story_changed, from
invalidation.py); when the change is applied, after it commits, matched_keys asks
PostgreSQL which of the searches in the register then find the story, as it was or
as it is now, and their keys are raised with the change's own (and purged at the
edge with them).

An edit that leaves a public story where lists put it (its time and section, say)
is written down with its summary as it was too (story_edited): a search finding it
before and after shows the same stories in the same order unless the edit changed
how its words rank it, which PostgreSQL is asked as well. Most edits (a headline's
typo, a new paragraph) leave every search's order as it was, and only the pages
showing the story are rendered again.

None is missed: a search written down before the register is read is matched; one
written down after that runs its query after the change committed, and finds the
change. A matched search whose page was being rendered from the stories as they were
has its key raised past the version it was rendered under: the page cache neither
keeps nor serves it.

Where that cannot be told, every search is forgotten (`list:searches`): on other
databases, with a cache other than Redis, when the register is lost (Redis emptied
or restarted: a mark that is always there is gone), when the database fails, while
the register is full (MAX_MATCHED searches), for a change to what many stories'
documents share (a tag or an author renamed) or to a story's tags or bylines
(invalidation.py), and at a scheduled publication or take-down, which a reader's
request applies (dependencies.scheduled_keys). A page whose query could not be
written down (Redis failing) is kept by no cache.
"""

import logging
import time

from django.conf import settings
from django.core.cache import cache
from django.db import DatabaseError

from articles import search

from . import dependencies

logger = logging.getLogger(__name__)

REGISTER = "pages:searches"
# Set while a search could not be written down in a full register, for as long as a
# cache may keep its page: every search is forgotten meanwhile.
FULL = "pages:searches:full"
# Always in the register (with the score +inf): where it is missing, the register
# was lost, and the searches written down in it with it.
MARK = ""
# Longer than any cache keeps a page, by a margin for the clocks of other servers.
MARGIN_SECONDS = 60
# The most searches the register holds. Past it, every search is forgotten rather
# than each matched: the editor's save waits for the match (at 100,000 stories, one
# story against 1,000 searches took 14 ms of PostgreSQL; against 10,000, 130 ms),
# and a flood of made-up queries must not fill Redis.
MAX_MATCHED = 5_000
# Past these, what an edit moves is not told apart from what it finds: every search
# finding an edited story is forgotten. Each edit is matched in a query of its own
# (a backlog, the cache back after an outage, is matched in one), and each search
# still finding it is ranked with its own terms (a flood of made-up queries found
# by every story must not make each save build a query of thousands of ranks).
MAX_EDITS = 20
MAX_RERANKED = 100

# ARGV: the time, the query, MAX_MATCHED, how long a page may be kept. A query
# already written down is written down again, at its new time; another is not
# written down in a full register (what has lapsed is forgotten first), which is
# then marked full for as long as its page may be kept.
WRITE_SCRIPT = """
if not redis.call('ZSCORE', KEYS[1], ARGV[2])
    and redis.call('ZCARD', KEYS[1]) > tonumber(ARGV[3]) then
  local since = tonumber(ARGV[1]) - tonumber(ARGV[4])
  redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', '(' .. since)
  if redis.call('ZCARD', KEYS[1]) > tonumber(ARGV[3]) then
    redis.call('SET', KEYS[2], 1, 'EX', math.ceil(tonumber(ARGV[4])))
    return 1
  end
end
redis.call('ZADD', KEYS[1], ARGV[1], ARGV[2])
return 1
"""

# The searches written down since ARGV[1], those before forgotten; nil where the
# mark is missing, which is put back, or the register was full.
READ_SCRIPT = """
if not redis.call('ZSCORE', KEYS[1], ARGV[2]) then
  redis.call('ZADD', KEYS[1], 'inf', ARGV[2])
  return false
end
if redis.call('EXISTS', KEYS[2]) == 1 then
  return false
end
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', '(' .. ARGV[1])
return redis.call('ZRANGEBYSCORE', KEYS[1], ARGV[1], '+inf')
"""


def _matched_here():
    """Whether searches can be matched one by one: PostgreSQL matches them, and
    Redis keeps the register."""
    return search.uses_postgres() and hasattr(cache, "run_script")


def register(query):
    """Write `query` (as searched) down among the searches kept, before its stories
    are read. False if it could not be: its page must not be kept."""
    if not (_matched_here() and search.query_terms(query)[0]):
        # Forgotten with every search, or a search that finds nothing, ever.
        return True
    written = cache.run_script(
        WRITE_SCRIPT, [REGISTER, FULL], [time.time(), query, MAX_MATCHED, _kept()]
    )
    return written is not None


def story_changed(pk, document=None):
    """What the outbox keeps of a change to story `pk` for matched_keys: its id
    (the story as it is when the change is applied, if it still is), and its stored
    document as it was (search.stored_document()), if it was public."""
    return {"stories": [pk], "documents": [document] if document else []}


def story_edited(pk, document, summary):
    """What the outbox keeps of a change to public story `pk` that leaves it where
    lists put it: story_changed's, and its stored summary as it was
    (search.stored_summary()). A search finding it before and after shows it where
    it did, unless its rank changed; the pages showing it are its own to raise.
    (Where the summary is not read, as by code from before it was kept, the change
    is matched as any other.)"""
    return {**story_changed(pk, document), "summaries": [summary]}


def matched_keys(changes):
    """The keys of the searches kept whose pages `changes` (story_changed's and
    story_edited's) may change: those finding one of their stories as it was or as
    it is, but for an edit, those it moves in (NEWSROOM_MATCHED_KEYS names this
    function)."""
    if not _matched_here():
        return {dependencies.SEARCHES}
    queries = _kept_queries()
    if queries is None:
        return {dependencies.SEARCHES}
    if not queries:
        return set()
    edits, others = [], []
    for change in changes:
        (edits if _is_edit(change) else others).append(change)
    if len(edits) > MAX_EDITS:
        edits, others = [], changes  # all matched at once, in one query
    stories = sorted({pk for change in others for pk in change.get("stories", ())})
    documents = [one for change in others for one in change.get("documents", ())]
    try:
        found = set()
        if stories or documents:
            matched = search.queries_matching(queries, stories, documents)
            found = {query for query, *_ in matched}
        for edit in edits:
            found |= _moved_by_edit(queries, edit)
    except DatabaseError:
        logger.warning("Could not match the searches kept.", exc_info=True)
        return {dependencies.SEARCHES}
    return {dependencies.search(query) for query in found}


def _is_edit(change):
    """Whether `change` is story_edited's."""
    return bool(change.get("summaries") and change.get("documents"))


def _moved_by_edit(queries, edit):
    """Those of `queries` whose results `edit` (story_edited's) changes: its story
    joins or leaves them, or moves among them."""
    [pk], [document], [summary] = edit["stories"], edit["documents"], edit["summaries"]
    matched = search.queries_matching(queries, [pk], [document])
    moved = {query for query, now, before in matched if now != before}
    still = [query for query, now, before in matched if now and before]
    if len(still) > MAX_RERANKED:
        return moved | set(still)
    return moved | set(search.queries_reranked(still, pk, summary))


def _kept():
    """How long after its render a page may still be kept, in seconds."""
    return MARGIN_SECONDS + max(
        settings.NEWSROOM_PAGE_CACHE_SECONDS, settings.NEWSROOM_SHARED_CACHE_SECONDS
    )


def _kept_queries():
    """The queries of the searches a cache may keep a page of, or None if the
    register cannot be read or was lost."""
    since = time.time() - _kept()
    found = cache.run_script(READ_SCRIPT, [REGISTER, FULL], [since, MARK])
    if found is None:
        return None
    queries = (query.decode() for query in found)
    return [query for query in queries if query != MARK]
