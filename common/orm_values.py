"""
Values read by hand, from a cursor's rows, made what the ORM makes of them.

Django has no public way to do this for a query that reads several models in one
row: QuerySet.raw() converts the values of one model's fields, and the story page's
row holds six models (readers/story_sql.py). The ORM's own converters do it (the
database backend's, then the field's from_db_value), through three of Django's
internals: Field.get_col(), Field.get_db_converters() and the backend's
DatabaseOperations.get_db_converters(). This module is the one place that calls
them, and tests/test_django_private_hooks.py fails on a Django upgrade that changes
them. Nothing tied to one connection is kept: converters are looked up on the
connection that read the row.
"""


def converter(field, db):
    """A function making a value of `field` as the database `db` handed it back
    what the ORM makes of it (on SQLite, for one, a time gets its zone and a flag
    becomes a bool); None if the ORM takes it as it is."""
    column = field.get_col(field.model._meta.db_table)
    converters = [*db.ops.get_db_converters(column), *field.get_db_converters(db)]
    if not converters:
        return None

    def convert(value):
        for each in converters:
            value = each(value, column, db)
        return value

    return convert
