"""
What each public page shows, and what each change touches, as dependency keys
(delivery/keys.py): the reader site knows both, the page cache neither.

A page records the keys of what it shows while it is rendered (the views call the
record_* functions below): `story:<id>` for each story it shows whole (its own page,
a feed's items) or cuts its text from (a search's snippets), `card:<id>` for each
story it shows a card of or links to (what a card shows: headline, dek, address,
time, section, picture, bylines, the Live label, and that the story is public at
all), `author:<id>`, `section:<id>`, `tag:<id>` and `image:<id>` for what it shows
of those, `list:<...>` for each list it draws (whose membership or order a
publication can change), `search:<...>` for the stories a search finds
(search_pages.py), `front:<...>` for the arranged slots above a river (fronts/), and
`nav` for the site's navigation.
readers/invalidation.py gives a change the keys of what it touches.
"""

import hashlib
from datetime import timedelta

from delivery.keys import depends_on

HOME = "list:home"  # the home page's river and the site's feeds
EVERYTHING = "list:all"  # every public story at once: the sitemaps
# Every search at once: raised by a change whose searches are not matched one by one
# (search_pages.py lists when).
SEARCHES = "list:searches"
NAVIGATION = "nav"


def story(pk):
    return f"story:{pk}"


def card(pk):
    """What a card or link of a story shows: raised with `story:<id>` when any of
    it changes, so that a correction or a body edit re-renders the story's own page
    and not every page linking to it."""
    return f"card:{pk}"


def live(pk):
    """A live story's entries: raised by each entry's change, and shown only by the
    story's page, its updates endpoint and its entries feed (not by its cards)."""
    return f"live:{pk}"


def author(pk):
    return f"author:{pk}"


def section(pk):
    return f"section:{pk}"


def tag(pk):
    return f"tag:{pk}"


def image(pk):
    return f"image:{pk}"


def section_list(pk):
    return f"list:section:{pk}"


def author_list(pk):
    return f"list:author:{pk}"


def tag_list(pk):
    return f"list:tag:{pk}"


def search(query):
    """The stories a search for `query` (as searched: normalised) finds."""
    return "search:" + hashlib.blake2b(query.encode(), digest_size=10).hexdigest()


def front(section_id=None):
    """The arranged slots of the home page (no section) or of a section's page."""
    return f"front:section:{section_id}" if section_id else "front:home"


def record_cards(stories):
    """A list of story cards: each story, its section, bylines and picture."""
    for shown in stories:
        depends_on(
            card(shown.pk),
            shown.primary_category_id and section(shown.primary_category_id),
            shown.lead_image_id and image(shown.lead_image_id),
            *(author(byline.author_id) for byline in shown.shown_bylines()),
        )


def record_snippets(stories):
    """Snippets of stories' text, which their cards do not show: each story's own
    key, raised by every change of it."""
    depends_on(*(story(shown.pk) for shown in stories))


def record_story_page(article, parts):
    """A story page: the story, everyone and everything it shows (the stories it
    links to are its links block's: record_links)."""
    depends_on(
        story(article.pk),
        *(author(byline.author_id) for byline in parts.bylines),
        *(section(filed.pk) for filed in parts.filed_under),
        *(tag(label.pk) for label in parts.tags),
        *(image(pk) for pk in (article.lead_image_id, article.social_image_id) if pk),
        *(image(pk) for pk in parts.placed_images),
    )


def link_keys(pk, section_id):
    """What a link to story `pk`, filed in section `section_id` (or None), shows."""
    return (card(pk), section(section_id)) if section_id else (card(pk),)


def record_links(author_id, linked):
    """A story page's links block: "More from" the author `author_id` (or None),
    and the stories it links to (StoryLinks), so that a takedown leaves every
    link."""
    depends_on(
        author_id and author(author_id),
        *(key for link in linked for key in link_keys(link.pk, link.section_id)),
    )


def record_live_entries(entries, images):
    """Live entries shown: their authors, and their lists (whether an author has a
    page to link to: live_page.py), and the pictures they place."""
    authors = {byline.author_id for entry in entries for byline in entry.bylines.all()}
    depends_on(
        *(author(pk) for pk in authors),
        *(author_list(pk) for pk in authors),
        *(image(pk) for pk in images),
    )


def story_list_keys(article):
    """The lists `article`, as it is saved now, belongs in: the home page's, its
    sections', its authors', its tags', and the sitemaps' list of every public
    story (searches are matched: search_pages.py)."""
    from articles.models import Byline

    sections = {
        article.primary_category_id,
        *article.categories.values_list("pk", flat=True),
    }
    return {
        HOME,
        EVERYTHING,
        *(section_list(pk) for pk in sections - {None}),
        *(
            author_list(pk)
            for pk in Byline.objects.filter(article=article).values_list(
                "author_id", flat=True
            )
        ),
        *(tag_list(pk) for pk in article.tags.values_list("pk", flat=True)),
    }


def next_scheduled_change():
    """When public pages next change with no one saving anything: the next
    scheduled story or front arrangement, or None (NEWSROOM_NEXT_PUBLICATION names
    this function)."""
    from articles.schedule import next_publication
    from fronts.schedule import next_go_live

    return min(filter(None, [next_publication(), next_go_live()]), default=None)


def scheduled_keys(at):
    """(soft keys, hard keys): what changed at `at`, and since, with no one saving
    anything: the stories whose scheduled publication time has come, the fronts
    whose scheduled arrangement has, and (a hard change, like any takedown) the
    stories whose take-down time has (NEWSROOM_SCHEDULED_KEYS names this function)."""
    from django.utils import timezone

    from articles.models import Article
    from fronts.schedule import fronts_gone_live

    soft, hard = set(), set()
    # A second's margin: the time comes back from a timestamp.
    since, now = at - timedelta(seconds=1), timezone.now()
    published = Article.objects.filter(status=Article.Status.PUBLISHED)
    # Searches too, every one: these are asked for by a reader, who should not wait
    # for the searches kept to be matched.
    for article in published.filter(published_at__gt=since, published_at__lte=now):
        soft |= {story(article.pk), card(article.pk), *story_list_keys(article)}
        soft.add(SEARCHES)
    for article in published.filter(expires_at__gt=since, expires_at__lte=now):
        hard |= {story(article.pk), card(article.pk), *story_list_keys(article)}
        hard.add(SEARCHES)
    soft |= {front(page.section_id) for page in fronts_gone_live(at)}
    return soft - hard, hard
