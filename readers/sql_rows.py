"""
What the readers' hand-written queries share (story_sql.py, the story page's;
river_sql.py, the tag's and the author's rivers): the tables' names, the condition
for a public story, and the making of model instances from a row that holds several
models one after another.

PUBLIC says what Article.objects.published() says, in SQL, of the story aliased
`story`: published, the publish time has passed, and the take-down time (if any) has
not. Its parameters are public_params(now).
"""

import functools
from dataclasses import dataclass

from django.db import connection
from taggit.models import Tag

from articles.models import (
    Article,
    Author,
    Byline,
    Category,
    Correction,
    TaggedArticle,
)
from common.orm_values import converter
from live.models import LiveCoverage
from photos.models import Image

PUBLIC = """story.status = %s AND story.published_at <= %s
      AND (story.expires_at IS NULL OR story.expires_at > %s)"""


def public_params(now):
    """PUBLIC's parameters at the time `now`."""
    return [Article.Status.PUBLISHED.value, now, now]


@functools.cache
def tables(vendor):
    """{name in the readers' SQL: the table's name, quoted for `vendor`}."""
    quote = connection.ops.quote_name
    models = {
        "article": Article,
        "author": Author,
        "byline": Byline,
        "category": Category,
        "correction": Correction,
        "filed": Article.categories.through,
        "image": Image,
        "live": LiveCoverage,
        "tag": Tag,
        "tagged": TaggedArticle,
    }
    return {name: quote(model._meta.db_table) for name, model in models.items()}


@dataclass
class Part:
    """A model read in a query's row: its alias there, its fields, and where they
    start in the row."""

    alias: str
    model: type
    fields: tuple
    start: int

    def __post_init__(self):
        self.attnames = [field.attname for field in self.fields]
        # vendor: the indexes of the fields whose values the ORM converts there (a
        # few: times and flags on SQLite, for one).
        self.converted = {}

    def columns(self):
        """Its fields' columns, as `alias.column`."""
        quote = connection.ops.quote_name
        return [f"{self.alias}.{quote(field.column)}" for field in self.fields]

    def converters(self, db):
        """(index, converter) of the fields whose values the ORM converts on the
        database `db`."""
        if db.vendor not in self.converted:
            self.converted[db.vendor] = [
                index
                for index, field in enumerate(self.fields)
                if converter(field, db) is not None
            ]
        return [
            (index, converter(self.fields[index], db))
            for index in self.converted[db.vendor]
        ]

    def instance(self, row, db):
        """The `model` instance in `row`, as the ORM makes one from the database
        `db` (fields it does not read are deferred); None where the join found no
        row."""
        values = list(row[self.start : self.start + len(self.fields)])
        if values[0] is None:  # the id
            return None
        for index, convert in self.converters(db):
            values[index] = convert(values[index])
        return self.model.from_db(db.alias, self.attnames, values)


def parts(*read):
    """Parts of the (alias, model, fields) `read`, one after another in the row;
    each model's id first."""
    made, start = [], 0
    for alias, model, fields in read:
        made.append(Part(alias, model, tuple(fields), start))
        start += len(fields)
    return made
