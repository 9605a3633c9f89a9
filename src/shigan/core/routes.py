"""URL patterns that several apps declare alike."""

from django.urls import URLPattern, path
from django.views import View

__all__ = ["exchange_paths"]


def exchange_paths(
    prefix: str,
    import_view: type[View],
    export_view: type[View],
    template_view: type[View],
    *,
    name_prefix: str = "",
) -> list[URLPattern]:
    """A unit's spreadsheet exchange, one sheet at a time: import, export (xlsx or csv) and the
    blank template, at `<prefix>import/<sheet>/`, `<prefix>export/<sheet>.<fmt>` and
    `<prefix>template/<sheet>.xlsx`, named `<name_prefix>import` (… export, … template)."""
    return [
        path(f"{prefix}import/<str:sheet>/", import_view.as_view(), name=f"{name_prefix}import"),
        path(
            f"{prefix}export/<str:sheet>.<str:fmt>",
            export_view.as_view(),
            name=f"{name_prefix}export",
        ),
        path(
            f"{prefix}template/<str:sheet>.xlsx",
            template_view.as_view(),
            name=f"{name_prefix}template",
        ),
    ]
