"""
Where stories and authors use pictures: the library's questions answered (see
photos/uses.py; named in the setting NEWSROOM_PICTURE_USES).

What readers may see is a publishing rule: a picture is public when a public story
shows it (as lead, social or placed image) or it is the headshot of an author with a
public story.
"""

from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from . import previews
from .models import Article, Author, InlineImage


class StoryPictureUses:
    """The uses of pictures by stories (lead, social, placed in the body) and by
    authors (headshots)."""

    def public(self, images):
        """Images a reader can meet: pictures of public stories, and headshots of
        authors readers can look up."""
        public = Article.objects.published()
        return images.filter(
            Q(pk__in=public.values("lead_image_id"))
            | Q(pk__in=public.values("social_image_id"))
            | Q(
                pk__in=InlineImage.objects.filter(article__in=public).values("image_id")
            )
            | Q(pk__in=Author.objects.with_public_stories().values("headshot_id"))
        )

    def previewed(self, request, image):
        """Whether the request holds a valid preview link of a story showing it."""
        return previews.shows_image(request.GET.get("preview"), image)

    def in_use(self, images):
        """Images a story or an author uses: as lead or social image, placed in a
        body, or as a headshot. None of them may be deleted (each use PROTECTs)."""

        def used_by(queryset, field):
            return Exists(queryset.filter(**{field: OuterRef("pk")}))

        return images.filter(
            used_by(Article.objects.all(), "lead_image")
            | used_by(Article.objects.all(), "social_image")
            | used_by(InlineImage.objects.all(), "image")
            | used_by(Author.objects.all(), "headshot")
        )

    def uses_of(self, image, user):
        """Where `image` is used, for `user` to read: a list of (what, name, link, note)
        rows, and how many uses in stories `user` is not told of.

        A story is linked to its admin form for whoever may open it there
        (ArticleQuerySet.visible_to). The photo desk, who may not, still learns of every
        use, since it decides what may be replaced or deleted: a public story linked to
        its page, any other named. Anyone else browsing the library (a writer) is only
        told how many colleagues' unpublished stories use it.
        """
        stories = (
            [(_("Lead image of"), story) for story in image.lead_of.without_bulk()]
            + [
                (_("Social image of"), story)
                for story in image.social_of.without_bulk()
            ]
            + [
                (_("In the body of"), story)
                for story in Article.objects.filter(
                    inline_image_links__image=image
                ).without_bulk()
            ]
        )
        ids = {story.pk for _what, story in stories}
        openable = set(
            Article.objects.visible_to(user)
            .filter(pk__in=ids)
            .values_list("pk", flat=True)
        )
        public = set(
            Article.objects.published().filter(pk__in=ids).values_list("pk", flat=True)
        )
        manages_library = user.has_perm("photos.change_image")
        rows, hidden = [], 0
        for what, story in stories:
            if story.pk in openable:
                url = reverse("admin:articles_article_change", args=[story.pk])
            elif story.pk in public:
                url = story.get_absolute_url()
            elif manages_library:
                url = None
            else:
                hidden += 1
                continue
            rows.append((what, story.headline, url, story.get_status_display()))
        may_open_authors = user.has_perm("articles.view_author") or user.has_perm(
            "articles.change_author"
        )
        rows += [
            (
                _("Headshot of"),
                author.name,
                reverse("admin:articles_author_change", args=[author.pk])
                if may_open_authors
                else None,
                _("author"),
            )
            for author in image.headshot_of.all()
        ]
        return rows, hidden
