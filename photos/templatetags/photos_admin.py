from django import template

from photos.admin import thumbnail

register = template.Library()


@register.filter
def admin_thumbnail(image, size=80):
    """A library thumbnail of `image`, `size` pixels wide."""
    return thumbnail(image, size=int(size))
