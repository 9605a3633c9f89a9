"""Waiting for a crawled page to settle, shared by the crawls of this package."""

# No htmx request in flight and every chart drawn from its JSON (dashboard.js marks a chart
# data-ready, timetable.js the gantt data-drawn). Playwright's "networkidle" would wait for half
# a second of silence after every page: nearly half of the layout crawl's time.
SETTLED = """() => !document.querySelector(
  ".htmx-request, .chart[data-url]:not([data-ready]), #gantt:not([data-drawn])")"""


def settle(page) -> None:
    """After `page.goto` (which returns on the load event): wait until the page has settled."""
    page.wait_for_function(SETTLED)
