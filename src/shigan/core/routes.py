"""URL patterns that several apps declare alike."""

from django.urls import URLPattern, path
from django.views import View

__all__ = ["exchange_paths", "sheet_paths"]


def exchange_paths(
    import_view: type[View],
    export_view: type[View],
    template_view: type[View],
    *,
    name_prefix: str = "",
) -> list[URLPattern]:
    """A unit's spreadsheet exchange, one sheet at a time: import, export (xlsx or csv) and the
    blank template, at `import/<sheet>/`, `export/<sheet>.<fmt>` and `template/<sheet>.xlsx` below
    where they are included, named `<name_prefix>import` (… export, … template)."""
    return [
        path("import/<str:sheet>/", import_view.as_view(), name=f"{name_prefix}import"),
        path("export/<str:sheet>.<str:fmt>", export_view.as_view(), name=f"{name_prefix}export"),
        path("template/<str:sheet>.xlsx", template_view.as_view(), name=f"{name_prefix}template"),
    ]


def sheet_paths(
    import_view: type[View],
    export_view: type[View],
    template_view: type[View],
    *,
    name_prefix: str = "",
) -> list[URLPattern]:
    """A list's exchange as one sheet: import, export (xlsx or csv) and the blank template, at
    `import/`, `export.<fmt>` and `template.xlsx` below where they are included, named
    `<name_prefix>import` (… export, … template)."""
    return [
        path("import/", import_view.as_view(), name=f"{name_prefix}import"),
        path("export.<str:fmt>", export_view.as_view(), name=f"{name_prefix}export"),
        path("template.xlsx", template_view.as_view(), name=f"{name_prefix}template"),
    ]
