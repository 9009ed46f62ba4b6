"""Stories and what they are filed under and written by."""

import reversion
from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.db import connections, models
from django.db.models import F, OuterRef, Prefetch, Q, Subquery
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _
from taggit.managers import TaggableManager
from taggit.models import Tag, TaggedItemBase

from common.links import link
from photos.models import Image

from ..sanitize import clean_body, plain_text


class CategoryQuerySet(models.QuerySet):
    def with_public_stories(self):
        """Sections with a public story filed under them, as primary section or
        further category.

        Asked section by section, stopping at the first public story: an index probe
        each (article_section_public_idx, migration 0013; the categories table's
        category index), whatever the size of the archive. An IN or EXISTS would be
        answered by reading the whole public index.
        """
        public = Article.objects.published()
        primary = (
            public.filter(primary_category=OuterRef("pk"))
            .order_by("-published_at")
            .values("pk")[:1]
        )
        # The story is checked row by row from the section's filings: written as IN
        # or a join, PostgreSQL walks the public stories instead.
        public_story = public.filter(pk=OuterRef("article_id")).order_by().values("pk")
        further = (
            Article.categories.through.objects.filter(category=OuterRef("pk"))
            .alias(public_story=Subquery(public_story))
            .filter(public_story__isnull=False)
            .order_by()
            .values("pk")[:1]
        )
        return self.alias(
            primary_story=Subquery(primary), further_story=Subquery(further)
        ).filter(Q(primary_story__isnull=False) | Q(further_story__isnull=False))

    def shown_to_public(self):
        """Sections readers may look up: those with a public story, and those in the
        site's navigation, which the header names on every page (a new section's link
        must not lead nowhere). Any other could name an unannounced story."""
        return self.filter(
            Q(is_in_navigation=True)
            | Q(pk__in=Category.objects.with_public_stories().values("pk"))
        )


class Category(models.Model):
    """A section of the site ("Politics") or a topic group ("Housing")."""

    name = models.CharField(_("name"), max_length=80)
    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    description = models.TextField(_("description"), blank=True)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    position = models.PositiveSmallIntegerField(
        _("position"), default=0, help_text=_("Lower numbers come first.")
    )
    is_in_navigation = models.BooleanField(
        _("in site navigation"),
        default=False,
        help_text=_("Show this section in the site header."),
    )

    objects = CategoryQuerySet.as_manager()

    class Meta:
        ordering = ["position", "name"]
        verbose_name = _("category")
        verbose_name_plural = _("categories")
        constraints = [
            models.CheckConstraint(
                condition=~Q(parent=F("pk")), name="category_not_its_own_parent"
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return link("articles:section", self.slug)


class AuthorQuerySet(models.QuerySet):
    def with_public_stories(self):
        """Authors with at least one public story: the ones readers may look up."""
        # Asked author by author, stopping at the first public story: an index probe
        # each. PostgreSQL would answer an IN or EXISTS by reading every byline.
        first_public = (
            Byline.objects.filter(
                author=OuterRef("pk"), article__in=Article.objects.published()
            )
            .order_by()
            .values("pk")[:1]
        )
        return self.alias(first_public=Subquery(first_public)).filter(
            first_public__isnull=False
        )


class Author(models.Model):
    """A byline identity: staff with a login, or a guest contributor without one."""

    name = models.CharField(_("name"), max_length=120)
    slug = models.SlugField(_("slug"), max_length=120, unique=True)
    job_title = models.CharField(_("job title"), max_length=120, blank=True)
    short_bio = models.CharField(
        _("one-line bio"),
        max_length=300,
        blank=True,
        help_text=_("The sentence shown under each story the author writes."),
    )
    bio = models.TextField(_("long bio"), blank=True)
    headshot = models.ForeignKey(
        Image,
        verbose_name=_("headshot"),
        null=True,
        blank=True,
        # A picture in use cannot be deleted, whatever the use (README).
        on_delete=models.PROTECT,
        related_name="headshot_of",
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("login"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="author",
        help_text=_("Leave empty for guest contributors."),
    )
    email = models.EmailField(_("public email"), blank=True)
    website = models.URLField(_("website"), blank=True)
    bluesky = models.URLField(_("Bluesky profile"), blank=True)
    mastodon = models.URLField(_("Mastodon profile"), blank=True)
    x = models.URLField(_("X profile"), blank=True)
    linkedin = models.URLField(_("LinkedIn profile"), blank=True)

    objects = AuthorQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("author")
        verbose_name_plural = _("authors")

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return link("articles:author", self.slug)

    @property
    def is_guest(self):
        return self.user_id is None

    @property
    def social_links(self):
        """(label, url) pairs for the web links the author has filled in.

        The form takes web addresses only; a row written around it (an import, a
        script) can still never put a javascript: or data: link on a page."""
        fields = ["website", "bluesky", "mastodon", "x", "linkedin"]
        return [
            (self._meta.get_field(name).verbose_name, getattr(self, name))
            for name in fields
            if getattr(self, name).lower().startswith(("https://", "http://"))
        ]


def is_public(status, published_at, expires_at, now):
    """What ArticleQuerySet.published() says of a story with these values, at
    `now`: for a story as read or saved, not queried."""
    return (
        status == Article.Status.PUBLISHED
        and published_at is not None
        and published_at <= now
        and (expires_at is None or expires_at > now)
    )


class ArticleQuerySet(models.QuerySet):
    def published(self):
        """Stories the public may see: published, the publish time has passed, and
        the take-down time, if any, has not."""
        now = timezone.now()
        return self.filter(
            Q(expires_at__isnull=True) | Q(expires_at__gt=now),
            status=Article.Status.PUBLISHED,
            published_at__lte=now,
        )

    def hold(self):
        """Lock these stories' rows until the transaction ends, as a save of them
        would (SELECT ... FOR NO KEY UPDATE): a save that moves a story's time waits
        for the holder, and the holder for it; rows pointing at the story (a note,
        an autosave) may still be written. Where the database has no such lock
        (SQLite, which lets one writer in at a time anyway) or no transaction is
        open (each statement is its own, and a lock would end with it), nothing is
        held. Only the stories' own rows are locked, whatever tables the filter
        joins, in the order of their ids: two calls holding some of the same
        stories wait for each other, never each for the other (a transaction that
        holds stories in several calls may not: hold together all it will write)."""
        locking = self.select_for_update(no_key=True, of=("self",)).order_by("pk")
        connection = connections[locking.db]
        if connection.features.has_select_for_update and connection.in_atomic_block:
            list(locking.values_list("pk", flat=True))

    def scheduled(self):
        """Published stories whose publish time has not come yet."""
        return self.filter(
            status=Article.Status.PUBLISHED, published_at__gt=timezone.now()
        )

    def expired(self):
        """Published stories whose take-down time has passed: off the site."""
        return self.filter(
            status=Article.Status.PUBLISHED, expires_at__lte=timezone.now()
        )

    def visible_to(self, user):
        """Stories `user` may open in the admin.

        Editors see every story. A writer sees the public ones and those she created
        or is bylined on, not colleagues' drafts, ready, scheduled or unpublished
        stories, unless NEWSROOM_WRITERS_SEE_ALL_STORIES is set. Whoever may not
        read stories in the admin at all (the photo desk) sees none.
        """
        if not (
            user.has_perm("articles.view_article")
            or user.has_perm("articles.change_article")
        ):
            return self.none()
        # Editors hold publish_article (articles/workflow.py, is_editor).
        if (
            user.has_perm("articles.publish_article")
            or settings.NEWSROOM_WRITERS_SEE_ALL_STORIES
        ):
            return self
        # One query: each part is a condition on the story's own row.
        return self.published() | self.filter(
            Q(created_by=user)
            | Q(pk__in=Byline.objects.filter(author__user=user).values("article_id"))
        )

    def in_section(self, category):
        """Stories filed under `category`, as primary section or further category."""
        return self.filter(
            Q(primary_category=category)
            | Q(
                pk__in=Article.categories.through.objects.filter(
                    category=category
                ).values("article_id")
            )
        )

    def by_author(self, author):
        """Stories carrying `author` in their byline, newest first: read through her
        bylines newest first (each keeps its story's publish time, Byline.published_at,
        in byline_author_newest_idx), a page of them costs a few index entries
        however many stories she has, rather than all of them found and sorted."""
        # The story's id by its column: "-bylines__article" would order by the
        # Article's own ordering, reversed (oldest first where times are equal).
        return self.filter(bylines__author=author).order_by(
            "-bylines__published_at", "-bylines__article_id"
        )

    def tagged(self, tag):
        """Stories tagged with `tag`."""
        return self.filter(tags=tag)

    def tags(self):
        """The tags put on these stories."""
        return Tag.objects.filter(
            pk__in=TaggedArticle.objects.filter(content_object__in=self).values("tag")
        )

    def for_listing(self, keep=()):
        """What a story card needs: section, lead image and ordered bylines.

        A card shows no body, plain text or search document: they are left out, bar
        those named in `keep` (see without_bulk).
        """
        return (
            self.select_related("primary_category", "lead_image")
            .prefetch_related(
                Prefetch("bylines", queryset=Byline.objects.select_related("author"))
            )
            .without_bulk(keep)
        )

    def without_bulk(self, keep=()):
        """Leave out the body, its plain text and the search documents, except those
        named in `keep`: together they are the bulk of a story's row."""
        return self.defer(*(field for field in BULKY_FIELDS if field not in keep))


def story_path(pk, slug, published_at):
    """The address of story `pk`: /<year>/<month>/<day>/<id>/<slug>/, dated in the
    newsroom's zone. Drafts have no date yet; theirs uses today's and redirects
    once published."""
    when = timezone.localtime(published_at or timezone.now())
    return link("articles:detail", when.year, when.month, when.day, pk, slug)


# The bulk of a story's row, which most reads do without (see without_bulk).
BULKY_FIELDS = ["body", "body_text", "search_vector", "search_summary"]
WORDS_PER_MINUTE = 230


# Every save of a story is kept as a version with its bylines, corrections and tag
# links (articles/revisions.py); those are versioned for the story's sake only.
@reversion.register(follow=["bylines", "corrections", "tagged_items"])
class Article(models.Model):
    """A story."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        READY = "ready", _("Ready for editing")
        PUBLISHED = "published", _("Published")
        UNPUBLISHED = "unpublished", _("Unpublished")

    headline = models.CharField(_("headline"), max_length=200)
    # Not unique: the id in the URL finds the story, so two stories may share a slug.
    slug = models.SlugField(_("slug"), max_length=200, allow_unicode=False)
    dek = models.CharField(
        _("dek"),
        max_length=300,
        blank=True,
        help_text=_("The one-sentence subtitle under the headline."),
    )
    body = models.TextField(_("body"), blank=True)
    # Derived on save: the body as plain text, for search snippets and word counts.
    body_text = models.TextField(editable=False, blank=True, default="")
    # PostgreSQL only: the weighted search document, kept fresh by articles.search.
    search_vector = SearchVectorField(null=True, editable=False)
    # PostgreSQL only: the same without the body, small enough to rank matches by.
    search_summary = SearchVectorField(null=True, editable=False)
    lead_image = models.ForeignKey(
        Image,
        verbose_name=_("lead image"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="lead_of",
    )
    primary_category = models.ForeignKey(
        Category,
        verbose_name=_("section"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="primary_articles",
    )
    categories = models.ManyToManyField(
        Category,
        verbose_name=_("further categories"),
        blank=True,
        related_name="articles",
    )
    authors = models.ManyToManyField(
        Author, through="Byline", related_name="articles", verbose_name=_("authors")
    )
    # Through TaggedArticle, a real foreign key (its reverse, tagged_items, is what a
    # story's versions keep of its tags: articles/revisions.py).
    tags = TaggableManager(_("tags"), blank=True, through="TaggedArticle")
    seo_title = models.CharField(
        _("search title"),
        max_length=70,
        blank=True,
        help_text=_("For search results and social cards; the headline if empty."),
    )
    seo_description = models.CharField(
        _("meta description"),
        max_length=160,
        blank=True,
        help_text=_("For search results and social cards; the dek if empty."),
    )
    social_image = models.ForeignKey(
        Image,
        verbose_name=_("social image"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="social_of",
        help_text=_("For social cards; the lead image if empty."),
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status, default=Status.DRAFT
    )
    published_at = models.DateTimeField(
        _("publish time"),
        null=True,
        blank=True,
        help_text=_("A time in the future schedules the story."),
    )
    # Cron-free like publishing: public() compares it with the clock, and the page
    # cache learns of the next one from articles/schedule.py.
    expires_at = models.DateTimeField(
        _("take-down time"),
        null=True,
        blank=True,
        help_text=_(
            "The story leaves the site at this time (a 404 to readers, gone from "
            "lists, feeds and sitemaps). Leave empty to keep it up."
        ),
    )
    updated_at = models.DateTimeField(
        _("updated time"),
        null=True,
        blank=True,
        help_text=_("Set when the story was substantively updated after publication."),
    )
    # Part of every preview link: raising it revokes all links given out so far.
    preview_generation = models.PositiveIntegerField(default=0, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # Who has the story now: the editor it waits on (articles/events.py tells the
    # notes app, which lets her know).
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assigned to"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="assigned_stories",
        limit_choices_to={"is_staff": True, "is_active": True},
        help_text=_("The editor who has the story now."),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    modified_at = models.DateTimeField(_("last saved"), auto_now=True)
    modified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("last saved by"),
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    objects = ArticleQuerySet.as_manager()

    # The story's bylines, their authors attached, in the editor's order, where a
    # listing read them with the story in its own query (readers/river_sql.py);
    # None: they are read through `bylines` (or its prefetch).
    listed_bylines = None

    class Meta:
        ordering = ["-published_at", "-id"]
        verbose_name = _("article")
        verbose_name_plural = _("articles")
        permissions = [
            ("publish_article", _("Can publish, schedule and unpublish stories")),
        ]
        # Each one serves pages that must not read the whole archive (bench/EXPLAIN.md).
        indexes = [
            # Public lists, newest first, in the order they are shown. The trailing
            # columns let the sitemaps and a section's count read the index alone
            # (as key columns: SQLite has no INCLUDE).
            models.Index(
                fields=[
                    "status",
                    "-published_at",
                    "-id",
                    "slug",
                    "updated_at",
                    "primary_category",
                    "expires_at",
                ],
                name="article_public_idx",
            ),
            # The admin's story list, newest first whatever the status.
            models.Index(fields=["-published_at", "-id"], name="article_newest_idx"),
            # A section's stories, newest first.
            models.Index(
                fields=["primary_category", "-published_at", "-id"],
                name="article_section_newest_idx",
            ),
            # A section's newest public story, in one index descent (the sections
            # sitemap; CategoryQuerySet.with_public_stories).
            models.Index(
                fields=["primary_category", "status", "-published_at", "-id"],
                name="article_section_public_idx",
            ),
            # The next public story's take-down time (articles/schedule.py), asked
            # whenever the page cache records the site's state: without it the
            # public index was read whole, some 10 ms at 100,000 stories. Few
            # stories have one.
            models.Index(
                fields=["status", "expires_at"],
                condition=Q(expires_at__isnull=False),
                name="article_takedown_idx",
            ),
            # And, on PostgreSQL only (so not here, where every database would get
            # it): article_search_vector_idx, a GIN index of search_vector for full
            # text search, made by migration 0002.
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="published") | Q(published_at__isnull=False),
                name="published_article_has_publish_time",
                violation_error_message=_("A published story needs a publish time."),
            ),
            models.CheckConstraint(
                condition=Q(expires_at__isnull=True)
                | Q(published_at__isnull=True)
                | Q(expires_at__gt=F("published_at")),
                name="article_expires_after_published",
                violation_error_message=_(
                    "The take-down time must come after the publish time."
                ),
            ),
            models.CheckConstraint(
                condition=Q(updated_at__isnull=True)
                | Q(published_at__isnull=True)
                | Q(updated_at__gte=F("published_at")),
                name="article_updated_after_published",
                violation_error_message=_(
                    "The updated time cannot come before the publish time."
                ),
            ),
        ]

    def __str__(self):
        return self.headline

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = slugify(self.headline)[:200]
        self.body = clean_body(self.body)
        self.body_text = plain_text(self.body)
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return story_path(self.pk, self.slug, self.published_at)

    @property
    def is_scheduled(self):
        return (
            self.status == self.Status.PUBLISHED
            and self.published_at is not None
            and self.published_at > timezone.now()
        )

    @property
    def has_expired(self):
        """Published, and taken down by its take-down time."""
        return (
            self.status == self.Status.PUBLISHED
            and self.expires_at is not None
            and self.expires_at <= timezone.now()
        )

    @property
    def search_title(self):
        """The title for search results and social cards."""
        return self.seo_title or self.headline

    @property
    def search_description(self):
        """The description for search results and social cards."""
        return self.seo_description or self.dek

    @property
    def card_image(self):
        """The picture for social cards."""
        return self.social_image or self.lead_image

    @property
    def word_count(self):
        return len(self.body_text.split())

    @property
    def reading_minutes(self):
        """Minutes to read the body at an unhurried 230 words a minute."""
        return max(1, round(self.word_count / WORDS_PER_MINUTE))

    @property
    def was_updated(self):
        return bool(
            self.updated_at
            and self.published_at
            and self.updated_at > self.published_at
        )

    def filed_under(self):
        """The primary section, then the further categories, each once."""
        further = [c for c in self.categories.all() if c.pk != self.primary_category_id]
        return [self.primary_category, *further] if self.primary_category else further

    def shown_bylines(self):
        """Every byline, in the editor's order: as a listing read them, or through
        `bylines`."""
        if self.listed_bylines is None:
            return self.bylines.all()
        return self.listed_bylines

    def author_bylines(self):
        """Bylines credited as authors, in the editor's order (the story page prints
        every byline, whatever its role, in that order)."""
        return Byline.authors_of(self.shown_bylines())


class PublishTimeCopyQuerySet(models.QuerySet):
    """Rows linking a story to an author or a tag that keep a copy of the story's
    publish time (`published_at`; articles/signals.py keeps it in step), so that an
    author's or a tag's newest stories come from one index of those rows, newest
    first, rather than from the archive's newest stories probed one by one."""

    story_field = None  # the foreign key to the story: each kind of row names its own

    def set_publish_time(self, published_at):
        """Give these rows their story's publish time, `published_at`; those that
        have it already are left alone (None included: exclude() reads a comparison
        with None as IS NULL)."""
        return self.exclude(published_at=published_at).update(published_at=published_at)

    def copy_publish_times(self):
        """Give these rows each its own story's publish time, as it is in the
        database (rows saved as they were written out: loaddata, a revert, tags
        added to a story)."""
        story = Article.objects.filter(pk=OuterRef(self.story_field))
        return self.update(published_at=Subquery(story.values("published_at")))


class BylineQuerySet(PublishTimeCopyQuerySet):
    story_field = "article"


class TaggedArticleQuerySet(PublishTimeCopyQuerySet):
    story_field = "content_object"


# The publish time is a copy of the story's (below), not part of what was credited.
@reversion.register(exclude=["published_at"])
class Byline(models.Model):
    """One author's credit on one story, in the editor's order."""

    class Role(models.TextChoices):
        AUTHOR = "author", _("Author")
        CONTRIBUTOR = "contributor", _("Contributor")
        ADDITIONAL_REPORTING = "additional_reporting", _("Additional reporting")

    article = models.ForeignKey(
        Article,
        verbose_name=_("article"),
        on_delete=models.CASCADE,
        related_name="bylines",
    )
    author = models.ForeignKey(
        Author,
        verbose_name=_("author"),
        on_delete=models.PROTECT,
        related_name="bylines",
    )
    role = models.CharField(_("role"), max_length=32, choices=Role, default=Role.AUTHOR)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    # The story's publish time, copied here (articles/signals.py keeps it in step)
    # so that an author's newest stories come from one index, newest first: the
    # story page's "More from" (readers/story_sql.py). Without it, PostgreSQL walked
    # the archive's newest stories probing each for her byline until three were
    # hers: some 1,400 for an author with 220 stories in 100,000.
    published_at = models.DateTimeField(_("published at"), null=True, editable=False)

    objects = BylineQuerySet.as_manager()

    class Meta:
        ordering = ["position", "id"]
        verbose_name = _("byline")
        verbose_name_plural = _("bylines")
        constraints = [
            models.UniqueConstraint(
                fields=["article", "author"], name="one_byline_per_author_per_article"
            ),
        ]
        # An author's stories, read from the index alone.
        indexes = [
            models.Index(
                fields=["author", "article"], name="byline_author_article_idx"
            ),
            # An author's stories, newest first.
            models.Index(
                fields=["author", "-published_at", "-article"],
                name="byline_author_newest_idx",
            ),
        ]

    def __str__(self):
        return f"{self.author} ({self.get_role_display().lower()}) on “{self.article}”"

    @classmethod
    def authors_of(cls, bylines):
        """Those of `bylines` that credit an author (not a contributor, nor
        additional reporting)."""
        return [byline for byline in bylines if byline.role == cls.Role.AUTHOR]

    @staticmethod
    def bios_of(bylines):
        """The one-line bios of everyone `bylines` credit, whatever their role, in
        byline order, where they have one."""
        return [b.author.short_bio for b in bylines if b.author.short_bio]


@reversion.register()
class Correction(models.Model):
    """A correction or an update note, printed with its time under the story."""

    class Kind(models.TextChoices):
        CORRECTION = "correction", _("Correction")
        UPDATE = "update", _("Update")

    article = models.ForeignKey(
        Article,
        verbose_name=_("article"),
        on_delete=models.CASCADE,
        related_name="corrections",
    )
    kind = models.CharField(
        _("kind"), max_length=20, choices=Kind, default=Kind.CORRECTION
    )
    text = models.TextField(_("text"))
    noted_at = models.DateTimeField(_("time"), default=timezone.now)

    class Meta:
        ordering = ["noted_at", "id"]
        verbose_name = _("correction or update")
        verbose_name_plural = _("corrections and updates")

    def __str__(self):
        return (
            f"{self.get_kind_display()} to “{self.article}”, {self.noted_at:%Y-%m-%d}"
        )


class InlineImage(models.Model):
    """A library picture placed in a story's body. Derived from the body on save; it
    lets the library say where a picture is used and refuse to delete it."""

    article = models.ForeignKey(
        Article, on_delete=models.CASCADE, related_name="inline_image_links"
    )
    image = models.ForeignKey(Image, on_delete=models.PROTECT, related_name="inline_in")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["article", "image"], name="one_inline_link_per_image"
            ),
        ]

    def __str__(self):
        return f"Inline picture in “{self.article}”"


# The publish time is a copy of the story's (below), not part of what was tagged.
@reversion.register(exclude=["published_at"])
class TaggedArticle(TaggedItemBase):
    """A tag on a story: taggit's through model, with a real foreign key to the
    story rather than taggit's generic (content type, object id) pair."""

    content_object = models.ForeignKey(
        Article,
        verbose_name=_("story"),
        on_delete=models.CASCADE,
        related_name="tagged_items",
    )
    # The story's publish time, copied here as bylines copy it, for a tag's newest
    # stories: its page and the story page's "Related" (readers/river_sql.py,
    # story_sql.py). Read from the story, a common tag's were found by walking the
    # archive's newest stories, a rare tag's by sorting all of them; PostgreSQL
    # planned the query again each time to choose, about a millisecond a page.
    published_at = models.DateTimeField(_("published at"), null=True, editable=False)

    objects = TaggedArticleQuerySet.as_manager()

    class Meta:
        verbose_name = _("tag on a story")
        verbose_name_plural = _("tags on stories")
        constraints = [
            models.UniqueConstraint(
                fields=["content_object", "tag"], name="one_tag_per_story"
            ),
        ]
        # A tag's stories, read from the index alone (a story's tags: the foreign
        # key's own index).
        indexes = [
            models.Index(
                fields=["tag", "content_object"], name="tagged_article_tag_idx"
            ),
            # A tag's stories, newest first.
            models.Index(
                fields=["tag", "-published_at", "-content_object"],
                name="tagged_article_newest_idx",
            ),
        ]

    def __str__(self):
        return f"{self.tag} on “{self.content_object}”"
