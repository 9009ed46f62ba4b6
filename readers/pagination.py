"""
Pages of a story river that never count the archive.

Counting every public story costs more the larger the archive grows (13 ms of a 35 ms
home page at 100,000 stories), and a reader paging through "Older stories" has no use
for the total. A page instead fetches one story more than it shows: if that one is
there, an older page exists.
"""

from django.core.paginator import EmptyPage, Page, PageNotAnInteger, Paginator

# Databases take a query's OFFSET and LIMIT as 64-bit integers: a page number that
# would need more is past any archive, not an error.
LARGEST_ROW = 2**63 - 1


class RiverPaginator(Paginator):
    # Lets templates leave out "of N pages".
    counts_pages = False

    def validate_number(self, number):
        try:
            number = int(number)
        except (TypeError, ValueError):
            raise PageNotAnInteger(self.error_messages["invalid_page"]) from None
        if number < 1:
            raise EmptyPage(self.error_messages["min_page"])
        if number * self.per_page + 1 > LARGEST_ROW:
            raise EmptyPage(self.error_messages["no_results"])
        return number

    def page(self, number):
        number = self.validate_number(number)
        start = (number - 1) * self.per_page
        stories = list(self.object_list[start : start + self.per_page + 1])
        if not stories and number > 1:
            raise EmptyPage(self.error_messages["no_results"])
        return RiverPage(
            stories[: self.per_page], number, self, len(stories) > self.per_page
        )


class RiverPage(Page):
    def __init__(self, object_list, number, paginator, has_older):
        super().__init__(object_list, number, paginator)
        self.has_older = has_older

    def has_next(self):
        return self.has_older
