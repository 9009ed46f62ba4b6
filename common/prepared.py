"""
Queries prepared once a database session, on PostgreSQL.

PostgreSQL plans every query it is sent. For a small query asked on every page,
planning can cost more than running it: the story page's own row took 1.4 ms by the
clock from Django, of which PostgreSQL spent 0.5 ms planning and 0.15 ms running it
(EXPLAIN ANALYZE). A statement PREPAREd once a session is parsed once and, after a
few runs, kept with its plan; the same row then takes 0.4 ms.

execute() prepares a statement the first time it is run on a connection, through the
DB-API connection itself (PREPARE changes no data and is not one of the page's
queries; a rollback does not undo it), and then runs EXECUTE through Django's cursor,
counted and logged as the query was. The statements a connection holds are known by
that connection: a new one (CONN_MAX_AGE, a failed health check) prepares its own.
On other databases (SQLite) the query is run as it is.

A migration that changes the type of a column a statement reads makes PostgreSQL
refuse to run it ("cached plan must not change result type") on every connection
that prepared it before: the statement is then prepared again and run once more.
That is why statements are used outside transactions only (a public page's
queries): inside one, the refusal would abort the transaction. There (a preview,
a test in a transaction) the query is sent as it is.

Each is planned once, generically (plan_cache_mode, set for the session with its
first statement): the statements here read indexes made for them, newest first, so
that which story, author or tag they are run for does not change the best plan.
Left to choose, PostgreSQL planned the story page's links and a tag's or an
author's river again at every run, weighing the parameters (about a millisecond
each, more than running them: bench/NEWSDAY.md). Django's own queries are not
prepared (psycopg2 sends them whole) and are not affected.

A pooler that passes one session's statements to another (PgBouncer in transaction
mode, before its protocol-level support) cannot run SQL-level PREPARE: set
NEWSROOM_PREPARED_QUERIES=false behind one.
"""

import re
import weakref

from django.conf import settings
from django.db import NotSupportedError, transaction

# The names of the statements each DB-API connection holds.
_prepared = weakref.WeakKeyDictionary()
PLACEHOLDER = re.compile(r"%s")


def execute(cursor, db, name, sql, params):
    """Run `sql` (with %s placeholders) with `params` on Django's `cursor` of the
    database `db`: on PostgreSQL, outside a transaction, as the statement `name`,
    prepared on the connection the first time."""
    if (
        db.vendor != "postgresql"
        or not settings.NEWSROOM_PREPARED_QUERIES
        or not transaction.get_autocommit(using=db.alias)
    ):
        cursor.execute(sql, params)
        return
    held = _prepared.get(db.connection)
    if held is None:
        with db.connection.cursor() as setting:
            setting.execute("SET plan_cache_mode = force_generic_plan")
        held = _prepared[db.connection] = set()
    if name not in held:
        _prepare(db, name, sql, len(params))
        held.add(name)
    statement = f"EXECUTE {name} ({', '.join(['%s'] * len(params))})"
    try:
        cursor.execute(statement, params)
    except NotSupportedError:  # a column it reads changed type since it was prepared
        _prepare(db, name, sql, len(params), again=True)
        cursor.execute(statement, params)


def _prepare(db, name, sql, count, again=False):
    numbers = iter(range(1, count + 1))
    numbered = PLACEHOLDER.sub(lambda _: f"${next(numbers)}", sql)
    with db.connection.cursor() as prepare:
        if again:
            prepare.execute(f"DEALLOCATE {name}")
        prepare.execute(f"PREPARE {name} AS {numbered}")
