"""
The notes' few admin addresses: post a note on a story, resolve or reopen one, open
a notification. They live under /admin/notes/ with the admin's login and CSRF
checks; notes have no list or form of their own, only the story's sidebar.
"""

from django.contrib import admin, messages
from django.db import transaction
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from articles import workflow
from articles.models import Article

from . import services
from .forms import NoteForm
from .models import Note, Notification
from .thread import thread_context

# Sent by static/js/notes.js: answer with the thread's HTML, not a whole page.
FRAGMENT_HEADER = "X-Newsroom-Fragment"


@admin.register(Note)
class NoteAdmin(admin.ModelAdmin):
    def has_module_permission(self, request):
        return False

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path(
                "story/<int:article_id>/",
                view(require_POST(self.post_view)),
                name="notes_note_post",
            ),
            path(
                "<int:note_id>/resolve/",
                view(require_POST(self.resolve_view)),
                name="notes_note_resolve",
            ),
            path(
                "notification/<int:notification_id>/",
                view(self.notification_view),
                name="notes_notification_open",
            ),
        ]

    def refuse(self, request, title, message, status, typed=""):
        """An admin page saying why, and what she may do instead."""
        return TemplateResponse(
            request,
            "admin/notes/refused.html",
            {
                **self.admin_site.each_context(request),
                "title": title,
                "message": message,
                "typed": typed,
            },
            status=status,
        )

    def story_for(self, request, article_id):
        """The story, if this person may note it: None for a story she may not
        see (which, for her, does not exist), False for one she may only read."""
        story = Article.objects.visible_to(request.user).filter(pk=article_id).first()
        if story is None:
            return None
        return story if workflow.can_edit(request.user, story) else False

    def story_refusal(self, request, story, typed=""):
        if story is None:
            return self.refuse(
                request,
                _("Story not found"),
                _(
                    "There is no story here you may open. Your stories are listed on "
                    "the home page."
                ),
                404,
                typed,
            )
        return self.refuse(
            request,
            _("Notes are for those who may change the story"),
            _(
                "You may read this story but not add to its notes or resolve them. "
                "Ask its editor, who can."
            ),
            403,
            typed,
        )

    def answer(self, request, story, *, note=None, error=None):
        """The thread again (for the page's script), or back to the story."""
        if request.headers.get(FRAGMENT_HEADER):
            return TemplateResponse(
                request,
                "admin/notes/thread.html",
                {**thread_context(request, story), "error": error},
                status=400 if error else 200,
            )
        if error:
            self.message_user(request, error, messages.ERROR)
        change = reverse("admin:articles_article_change", args=[story.pk])
        return redirect(f"{change}#{f'note-{note.pk}' if note else 'notes'}")

    def post_view(self, request, article_id):
        story = self.story_for(request, article_id)
        form = NoteForm(request.POST, prefix="note")
        if not story:
            return self.story_refusal(request, story, request.POST.get("note-text", ""))
        if not form.is_valid():
            error = " ".join(e for errors in form.errors.values() for e in errors)
            if request.POST.get("note-text", "").strip():
                # Too long, say: show what was typed rather than drop it.
                return self.refuse(
                    request,
                    _("The note was not posted"),
                    error,
                    400,
                    request.POST["note-text"],
                )
            return self.answer(request, story, error=error)
        with transaction.atomic():
            note = services.post_note(
                article=story,
                author=request.user,
                text=form.cleaned_data["text"],
                passage=form.cleaned_data["passage"],
            )
        return self.answer(request, story, note=note)

    def resolve_view(self, request, note_id):
        note = (
            Note.objects.filter(
                pk=note_id, article__in=Article.objects.visible_to(request.user)
            )
            .select_related("article")
            .first()
        )
        story = self.story_for(request, note.article_id) if note else None
        if not story:
            return self.story_refusal(request, story)
        with transaction.atomic():
            services.resolve_note(
                note=note, by=request.user, resolved=request.POST.get("reopen") is None
            )
        return self.answer(request, story, note=note)

    def notification_view(self, request, notification_id):
        notification = (
            Notification.objects.for_recipient(request.user)
            .filter(pk=notification_id)
            .first()
        )
        if notification is None:
            # Someone else's, or gone: the same answer, so nothing is told.
            return self.refuse(
                request,
                _("Notification not found"),
                _(
                    "This is not one of your notifications. Yours are listed on the "
                    "home page."
                ),
                404,
            )
        if notification.read_at is None:
            Notification.objects.filter(pk=notification.pk).update(
                read_at=timezone.now()
            )
        change = reverse(
            "admin:articles_article_change", args=[notification.article_id]
        )
        anchor = f"note-{notification.note_id}" if notification.note_id else "notes"
        return redirect(f"{change}#{anchor}")
