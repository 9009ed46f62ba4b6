"""
The story page's "More from" and "Related stories" block, a fragment of the page
(delivery/fragments.py): when a story it links to gets a new headline, is taken
down, or moves section, the page cache renders this block again and puts it in the
page it keeps, rather than rendering the whole story page again.
"""

from django.template.loader import render_to_string

from delivery.fragments import fragment, place

from . import dependencies, story_page

NAME = "story-links"


def links_of(article, lead_author, tags):
    """The block's HTML for `article`'s page, placed as a fragment of it."""
    return place(
        NAME,
        story=article.pk,
        section=article.primary_category_id,
        # Shown in the heading; a change to the author renders the page whole.
        author=lead_author
        and (lead_author.pk, lead_author.name, lead_author.get_absolute_url()),
        tags=[tag.pk for tag in tags],
    )


@fragment(NAME)
def render(*, story, section, author, tags):
    author_id, author_name, author_url = author or (None, "", "")
    more_from_author, related = story_page.more_and_related(
        story=story, section=section, author=author_id, tags=tags
    )
    dependencies.record_links(author_id, [*more_from_author, *related])
    return render_to_string(
        "includes/story_extras.html",
        {
            "more_from_author": more_from_author,
            "related_stories": related,
            "author_name": author_name,
            "author_url": author_url,
        },
    )
