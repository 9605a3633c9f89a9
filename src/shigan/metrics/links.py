"""The drill-down address of a figure: every number on a page links to its records."""

import datetime
from urllib.parse import urlencode

from django.db.models import Model
from django.urls import reverse

__all__ = ["records_url"]


def _query(
    unit: Model, as_of: datetime.date | str | None, campaign: object, dims: dict[str, object]
) -> str:
    params: dict[str, object] = {"unit": unit.pk}
    if as_of:
        params["as_of"] = as_of.isoformat() if isinstance(as_of, datetime.date) else as_of
    if campaign:
        params["campaign"] = getattr(campaign, "pk", campaign)
    params.update({k: v for k, v in dims.items() if v not in (None, "")})
    return urlencode(params)


def records_url(
    metric_key: str,
    *,
    unit: Model,
    as_of: datetime.date | str | None = None,
    campaign: object = None,
    **dims: object,
) -> str:
    return f"{reverse('metrics:records', args=[metric_key])}?{_query(unit, as_of, campaign, dims)}"
