"""Importing a unit's problem ledger through the API: upload (a preview by default), then poll
`/api/jobs/<id>/` and confirm it (`/api/jobs/<id>/confirm/`), as the page does."""

from django.utils.translation import gettext_lazy
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, MultiPartParser

from shigan.core.api_jobs import ImportInput, JobSerializer, import_job_start
from shigan.orgs.permissions import user_can
from shigan.orgs.selectors import unit_get
from shigan.problems import selectors
from shigan.problems.jobs import IMPORT_KIND

__all__ = ["LedgerImportViewSet"]


class LedgerImportViewSet(viewsets.ViewSet):
    parser_classes = [MultiPartParser, FormParser]
    lookup_value_regex = r"[0-9]{1,18}"  # a unit id

    @extend_schema(
        summary=gettext_lazy("导入问题整改台账（默认先预检）"),
        request={"multipart/form-data": ImportInput},
        responses={202: JobSerializer},
        parameters=[
            OpenApiParameter(
                "id", int, OpenApiParameter.PATH, description=gettext_lazy("单位编号")
            ),
            OpenApiParameter(
                "campaign", int, OpenApiParameter.QUERY, description=gettext_lazy("主题教育编号")
            ),
        ],
    )
    @action(detail=True, methods=["post"], url_path="import")
    def start(self, request, pk=None):
        unit = unit_get(user=request.user, pk=pk)
        if not user_can(request.user, "record", unit):
            raise exceptions.PermissionDenied(str(gettext_lazy("您没有在该单位登记问题的权限。")))
        pk = request.query_params.get("campaign")
        campaign = selectors.default_campaign(unit=unit, pk=pk)
        if pk and campaign is None:
            raise exceptions.NotFound
        params = {"campaign": campaign.pk if campaign else None}
        return import_job_start(request, kind=IMPORT_KIND, unit=unit, params=params)
