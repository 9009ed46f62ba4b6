import django.contrib.postgres.search
from django.db import migrations

# Search ranks its candidates by a summary of each story, the search document without
# the body (articles/search.py): a few hundred bytes kept in the row, where the whole
# document is kilobytes stored out of line. PostgreSQL only, as the document is (0002).
#
# The summary as articles.search.summary_document() builds it, in plain SQL so that
# this migration does not depend on today's models.
FILL_SUMMARIES = """
UPDATE articles_article AS a SET search_summary =
  setweight(to_tsvector('english', coalesce(a.headline, '')), 'A')
  || setweight(to_tsvector('english', coalesce(a.dek, '')), 'B')
  || setweight(to_tsvector('english', coalesce((
       SELECT string_agg(t.name, ' ') FROM taggit_taggeditem ti
       JOIN taggit_tag t ON t.id = ti.tag_id
       JOIN django_content_type ct ON ct.id = ti.content_type_id
       WHERE ct.app_label = 'articles' AND ct.model = 'article' AND ti.object_id = a.id
     ), '')), 'B')
  || setweight(to_tsvector('english', coalesce((
       SELECT string_agg(au.name, ' ') FROM articles_byline b
       JOIN articles_author au ON au.id = b.author_id WHERE b.article_id = a.id
     ), '')), 'C')
"""


def fill_summaries(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FILL_SUMMARIES)


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0011_indexes_for_a_large_archive"),
    ]

    operations = [
        migrations.AddField(
            model_name="article",
            name="search_summary",
            field=django.contrib.postgres.search.SearchVectorField(
                editable=False, null=True
            ),
        ),
        migrations.RunPython(fill_summaries, migrations.RunPython.noop, elidable=False),
    ]
