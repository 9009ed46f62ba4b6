"""
Forget cached public pages when what they show changes (delivery/page_cache.py):
each change says the keys of what it touches (readers/dependencies.py), and only the
pages showing those are rendered again.

A story that is, was or will be public: its own key; its card's key when what its
cards and links show changes (a correction or a body edit leaves the pages linking
to it cached); and when it joins or leaves a list (published, unpublished, deleted,
moved to another section, time or byline) the lists it is or was in. Taking one down
(unpublishing, deleting, moving it to a later time, a take-down time that has come)
is a *hard* change: no page showing it is served stale.
What stories show around them (authors, sections, pictures, tags, bylines,
corrections) touches its own key; tags and bylines, which searches match, every
search too. A story's own change touches the searches that find it, as it was or as
it is, and an edit that leaves it where lists put it only those it joins, leaves or
moves in (search_pages.py). A front's arrangement, saved or scheduled, touches the
front's key. Changes to drafts alone touch nothing, nor new pictures and authors
nobody reads yet, so that writers saving as they go and the photo desk's uploads
cost readers nothing.
"""

from django.db.models import Case, When
from django.db.models.signals import (
    m2m_changed,
    post_delete,
    post_save,
    pre_delete,
    pre_save,
)
from django.dispatch import receiver
from django.utils import timezone
from taggit.models import Tag

from articles import events, search, story_parts
from articles.models import (
    Article,
    Author,
    Byline,
    Category,
    Correction,
    InlineImage,
    is_public,
)
from delivery.page_cache import content_changed
from embeds import body as embed_markup
from embeds.models import Embed
from fronts.models import Arrangement, Front, Slot
from photos.models import Image

from . import dependencies as keys
from . import live_invalidation, search_pages

PUBLISHED = Article.Status.PUBLISHED
# What, in a story's own row, decides which lists it is in and where.
LISTED_BY = ("status", "published_at", "expires_at", "primary_category_id")
# What, in its row, its cards and links show (reader_tags.story_card and
# story_link_list): their bylines and Live label have receivers of their own.
ON_CARDS = (*LISTED_BY, "headline", "dek", "slug", "lead_image_id")


@receiver(pre_save, sender=Article, dispatch_uid="pages_story_before_save")
def story_saving(sender, instance, using, raw=False, **kwargs):
    # The story as it was: unpublishing one changes pages as much as publishing it.
    # Its search document and summary only if it was public: searches found it then.
    # Held first (as the save would hold it a moment later), so that a save waiting
    # for another's reads the story as the other left it: pages may have been
    # rendered from that before this save commits.
    if not instance.pk or raw:
        instance._before = None
        return
    story = Article.objects.db_manager(using).filter(pk=instance.pk)
    story.hold()
    instance._before = story.values(
        *ON_CARDS,
        document=Case(When(status=PUBLISHED, then=search.stored_document())),
        summary=Case(When(status=PUBLISHED, then=search.stored_summary())),
    ).first()


@receiver(post_save, sender=Article, dispatch_uid="pages_story_saved")
def story_saved(sender, instance, created, raw=False, **kwargs):
    if raw:
        return
    before = getattr(instance, "_before", None) or {}
    was_public = before.get("status") == PUBLISHED
    if instance.status != PUBLISHED and not was_public:
        return  # a draft: nothing public changed
    # The sitemaps list every public story, by address and time.
    touched = {keys.story(instance.pk), keys.EVERYTHING}
    if created or _changed(before, instance, ON_CARDS):
        touched.add(keys.card(instance.pk))
    listed_alike = not created and not _changed(before, instance, LISTED_BY)
    if not listed_alike:
        touched |= keys.story_list_keys(instance)
        if before.get("primary_category_id"):
            touched.add(keys.section_list(before["primary_category_id"]))
    document = before.get("document")
    # Taken down (unpublished, moved to a later time, past its take-down time):
    # no page showing it may be served stale.
    now = timezone.now()
    was_up = is_public(
        before.get("status"), before.get("published_at"), before.get("expires_at"), now
    )
    is_up = is_public(instance.status, instance.published_at, instance.expires_at, now)
    content_changed(
        touched,
        hard=was_up and not is_up,
        changed=(
            search_pages.story_edited(instance.pk, document, before["summary"])
            if was_public and listed_alike and document
            else search_pages.story_changed(instance.pk, document)
        ),
    )


def _changed(before, article, fields):
    return any(before.get(name) != getattr(article, name) for name in fields)


@receiver(pre_delete, sender=Article, dispatch_uid="pages_story_deleting")
def story_deleting(sender, instance, **kwargs):
    # Its lists, while its bylines, tags and categories are still there to say.
    if instance.status == PUBLISHED:
        document = (
            Article.objects.filter(pk=instance.pk)
            .values_list(search.stored_document(), flat=True)
            .first()
        )
        content_changed(
            {
                keys.story(instance.pk),
                keys.card(instance.pk),
                *keys.story_list_keys(instance),
            },
            hard=True,
            changed=search_pages.story_changed(instance.pk, document),
        )


def _published(ids):
    """Those of the stories `ids` that are published (scheduled ones among them)."""
    published = Article.objects.filter(pk__in=ids, status=PUBLISHED)
    return set(published.values_list("pk", flat=True))


def _public_stories_of(part):
    """The ids of the published stories the story part `part` (a byline, a
    correction, a placed picture) is on, or was on before this save."""
    return _published({part.article_id, story_parts.was(part, "article_id")} - {None})


def _deleted_with_its_story(origin):
    """Whether a part's delete comes from its story's (or stories'), which has
    already said so (story_deleting)."""
    return isinstance(origin, Article) or getattr(origin, "model", None) is Article


@receiver(post_save, sender=Byline, dispatch_uid="pages_byline_saved")
@receiver(post_delete, sender=Byline, dispatch_uid="pages_byline_deleted")
def byline_changed(sender, instance, raw=False, origin=None, **kwargs):
    if raw or _deleted_with_its_story(origin):
        return
    stories = _public_stories_of(instance)
    if stories:
        authors = {instance.author_id, story_parts.was(instance, "author_id")} - {None}
        content_changed(
            {
                *(keys.story(pk) for pk in stories),
                *(keys.card(pk) for pk in stories),  # cards print bylines
                *(keys.author_list(pk) for pk in authors),
                keys.EVERYTHING,  # the authors' sitemap
                keys.SEARCHES,  # searches match authors' names
            }
        )


@receiver(post_save, sender=Correction, dispatch_uid="pages_correction_saved")
@receiver(post_delete, sender=Correction, dispatch_uid="pages_correction_deleted")
@receiver(post_save, sender=InlineImage, dispatch_uid="pages_placed_saved")
@receiver(post_delete, sender=InlineImage, dispatch_uid="pages_placed_deleted")
def story_part_changed(sender, instance, raw=False, origin=None, **kwargs):
    if raw or _deleted_with_its_story(origin):
        return
    stories = _public_stories_of(instance)
    if stories:
        content_changed({keys.story(pk) for pk in stories})


@receiver(m2m_changed, sender=Article.categories.through, dispatch_uid="pages_filed")
def filing_changed(sender, instance, action, reverse, pk_set, **kwargs):
    if action == "pre_clear" and not reverse:
        pk_set = set(instance.categories.values_list("pk", flat=True))
    elif not _is_done(action, from_story=not reverse):
        return
    if reverse:  # from a section's side: any of its stories may have moved
        content_changed({keys.section_list(instance.pk), keys.EVERYTHING})
    elif instance.status == PUBLISHED:
        content_changed(
            {
                keys.story(instance.pk),
                keys.card(instance.pk),  # other stories' related blocks
                *(keys.section_list(pk) for pk in pk_set or ()),
            }
        )


@receiver(m2m_changed, sender=Article.tags.through, dispatch_uid="pages_tagged")
def tagging_changed(sender, instance, action, reverse, pk_set, **kwargs):
    from_story = isinstance(instance, Article) and not reverse
    if action == "pre_clear" and from_story:
        pk_set = set(instance.tags.values_list("pk", flat=True))
    elif not _is_done(action, from_story=from_story) or _nothing_done(action, pk_set):
        return
    if not from_story:
        content_changed({keys.tag_list(instance.pk), keys.SEARCHES})
    elif instance.status == PUBLISHED:
        # Tags decide which stories are related: the pages linking to it too.
        content_changed(
            {
                keys.story(instance.pk),
                keys.card(instance.pk),
                *(keys.tag_list(pk) for pk in pk_set or ()),
                keys.SEARCHES,  # searches match tags' names
            }
        )


def _nothing_done(action, pk_set):
    """Whether an add or remove changed nothing: the story form sets a story's tags
    at every save, and django-taggit says so even when they are the ones it had."""
    return action in ("post_add", "post_remove") and not pk_set


def _is_done(action, *, from_story):
    """Whether an m2m_changed `action` is one to answer: done (post_), but for a
    clear from a story's side, answered before (pre_clear), while the story can
    still say what it takes off."""
    return action.startswith("post_") and not (from_story and action == "post_clear")


@receiver(post_save, sender=Image, dispatch_uid="pages_image_saved")
def image_saved(sender, instance, created, raw=False, **kwargs):
    # The photo desk uploads and captions all day; only pictures readers can meet
    # matter (a scheduled story's are rendered afresh when it goes public anyway).
    if not (created or raw) and Image.objects.public().filter(pk=instance.pk).exists():
        content_changed({keys.image(instance.pk)})


@receiver(post_save, sender=Embed, dispatch_uid="pages_embed_saved")
@receiver(post_delete, sender=Embed, dispatch_uid="pages_embed_deleted")
def embed_changed(sender, instance, raw=False, created=False, **kwargs):
    # Asked again (refreshed): the public stories embedding it show the new answer.
    # Found by their bodies, as a refresh is rare and its stories few. Just made
    # without an answer (fetch_embed asks after): pages show the link they showed.
    if not (raw or (created and not instance.is_usable)):
        stories = Article.objects.published().filter(
            body__contains=embed_markup.snippet(instance.url)
        )
        found = stories.values_list("pk", flat=True)
        if found:
            content_changed({keys.story(pk) for pk in found})


@receiver(post_delete, sender=Image, dispatch_uid="pages_image_deleted")
def image_deleted(sender, instance, **kwargs):
    content_changed({keys.image(instance.pk)}, hard=True)


@receiver(post_save, sender=Author, dispatch_uid="pages_author_saved")
def author_saved(sender, instance, created, raw=False, **kwargs):
    # Only bylines of public stories and authors with a page show anywhere, but for
    # a guest's name on the live entries she posts.
    if created or raw:
        return
    if Author.objects.with_public_stories().filter(pk=instance.pk).exists():
        content_changed({keys.author(instance.pk), keys.EVERYTHING, keys.SEARCHES})
    elif live_invalidation.posts_on_a_public_story(instance.pk):
        content_changed({keys.author(instance.pk)})


@receiver(post_delete, sender=Author, dispatch_uid="pages_author_deleted")
def author_deleted(sender, instance, **kwargs):
    content_changed(
        {keys.author(instance.pk), keys.EVERYTHING, keys.SEARCHES}, hard=True
    )


@receiver(pre_save, sender=Category, dispatch_uid="pages_section_before_save")
def section_saving(sender, instance, raw=False, **kwargs):
    instance._was_in_navigation = bool(
        instance.pk
        and not raw
        and Category.objects.filter(pk=instance.pk, is_in_navigation=True).exists()
    )


@receiver(post_save, sender=Category, dispatch_uid="pages_section_saved")
def section_saved(sender, instance, raw=False, **kwargs):
    if raw:
        return
    touched = {keys.section(instance.pk), keys.EVERYTHING}  # the sections sitemap
    if instance.is_in_navigation or getattr(instance, "_was_in_navigation", False):
        touched.add(keys.NAVIGATION)
    content_changed(touched)


@receiver(post_delete, sender=Category, dispatch_uid="pages_section_deleted")
def section_deleted(sender, instance, **kwargs):
    content_changed({keys.section(instance.pk), keys.NAVIGATION}, hard=True)


@receiver(post_save, sender=Tag, dispatch_uid="pages_tag_saved")
def tag_saved(sender, instance, created, raw=False, **kwargs):
    # Searches match tags' names; a tag on drafts alone is nowhere yet.
    if not (created or raw) and _public_tag(instance.pk):
        content_changed({keys.tag(instance.pk), keys.SEARCHES})


@receiver(pre_delete, sender=Tag, dispatch_uid="pages_tag_deleting")
def tag_deleting(sender, instance, **kwargs):
    # Asked while its stories still carry it.
    if _public_tag(instance.pk):
        content_changed({*_gone_tag(instance.pk), keys.SEARCHES}, hard=True)


def _gone_tag(pk):
    """The keys of a tag deleted, or merged into another: its name and its list
    (its page answers 404)."""
    return {keys.tag(pk), keys.tag_list(pk)}


@receiver(events.tags_merged, dispatch_uid="pages_tags_merged")
def tags_merged(sender, into, merged, stories, **kwargs):
    # As if each story's tags were set again (tagging_changed), and the tags merged
    # deleted (tag_deleting): asked here, as the rows have moved by now.
    public = _published(stories)
    if public:
        content_changed(
            {
                *(keys.story(pk) for pk in public),
                *(keys.card(pk) for pk in public),
                keys.tag_list(into),
                keys.SEARCHES,
            }
        )
        content_changed({key for pk in merged for key in _gone_tag(pk)}, hard=True)


def _public_tag(tag_id):
    return Article.objects.published().tags().filter(pk=tag_id).exists()


def _front_key(**arrangement_or_front):
    """The key of the front of an arrangement (arrangements=<id>) or of a front
    (pk=<id>); None if it is gone (its section deleted, which said so itself)."""
    found = Front.objects.filter(**arrangement_or_front).values_list("section_id")
    return keys.front(found[0][0]) if found else None


@receiver(post_save, sender=Arrangement, dispatch_uid="pages_arrangement_saved")
@receiver(post_delete, sender=Arrangement, dispatch_uid="pages_arrangement_deleted")
def arrangement_changed(sender, instance, raw=False, **kwargs):
    # One going live later changes nothing now, but the page cache learns its time
    # from the change (and raises the front's key again then: scheduled_keys).
    if not raw and (key := _front_key(pk=instance.front_id)):
        content_changed({key})


@receiver(post_save, sender=Slot, dispatch_uid="pages_slot_saved")
def slot_saved(sender, instance, raw=False, **kwargs):
    # Slots are saved with their arrangement, after it, and never changed; one
    # added to a saved arrangement (from the shell, say) is a change all the same.
    # A slot goes only with its arrangement or its story, which say so themselves.
    if not raw and (key := _front_key(arrangements=instance.arrangement_id)):
        content_changed({key})
