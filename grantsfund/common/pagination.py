"""Lists show this many rows a page."""

PER_PAGE = 50
