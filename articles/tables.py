"""
Tables in a story's body, made readable on a phone and to screen readers as the
page is rendered: each table in a scrollable region named by its caption (a
keyboard can reach and scroll it), each header cell saying what it heads. Pure
string work on a cleaned body (sanitize.py), no ORM.
"""

import itertools
import re

from django.utils.html import format_html
from django.utils.translation import gettext as _

# In a cleaned body tags come without stray spaces, and tables only as the
# sanitiser lets them through.
TABLE_START = re.compile(r"<table>(<caption>)?")
ROW = re.compile(r"<tr>(.*?)</tr>", re.DOTALL)
UNSCOPED_HEADER = re.compile(r"<th(?![^>]*\bscope=)")


def _scoped(row):
    """A row of header cells alone heads columns; a header cell in a row of data
    heads its row."""
    cells = row.group(1)
    scope = "row" if "<td" in cells else "col"
    return "<tr>" + UNSCOPED_HEADER.sub(f'<th scope="{scope}"', cells) + "</tr>"


def readable_tables(html):
    """`html` with its tables wrapped and their header cells scoped."""
    if "<table>" not in html:
        return html
    numbers = itertools.count(1)

    def wrap(match):
        number = next(numbers)
        if match.group(1):
            caption_id = f"table-{number}-caption"
            return format_html(
                '<div class="table-scroll" role="region" tabindex="0" '
                'aria-labelledby="{}"><table><caption id="{}">',
                caption_id,
                caption_id,
            )
        return format_html(
            '<div class="table-scroll" role="region" tabindex="0" '
            'aria-label="{}"><table>',
            _("Table"),
        )

    html = TABLE_START.sub(wrap, html)
    html = html.replace("</table>", "</table></div>")
    return ROW.sub(_scoped, html)
