# The sections sitemap asks, section by section, for one public story filed under it
# (articles/sitemaps.py). With only article_section_newest_idx (primary_category,
# published_at) the planner prefers to walk article_public_idx newest first, which
# reads the whole public archive for a section without a recent public story (a
# topic category, a new section). With status in the key, after the section, the
# probe is one index descent: the first entry is the section's newest public story.
#
# Raw SQL, as in 0011, so that the model's state is not touched; the same statement
# works on SQLite and PostgreSQL.

from django.db import migrations

SECTION_PUBLIC = (
    "CREATE INDEX IF NOT EXISTS article_section_public_idx ON articles_article "
    "(primary_category_id, status, published_at DESC, id DESC)"
)
DROP_SECTION_PUBLIC = "DROP INDEX IF EXISTS article_section_public_idx"


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0012_search_summary_for_ranking"),
    ]

    operations = [
        migrations.RunSQL(SECTION_PUBLIC, DROP_SECTION_PUBLIC),
    ]
