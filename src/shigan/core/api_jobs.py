"""The API of background jobs: a user's own jobs, their progress and outcome (with the rows in
error), and the confirmation of an import preview. An app's import endpoint starts the job
(`import_job_start`); the client then polls the job and confirms its preview."""

from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.request import Request
from rest_framework.response import Response

from shigan.core.api import parse, post_action
from shigan.core.errors import DomainError
from shigan.core.jobs import job_confirm, job_create, job_enqueue, job_list
from shigan.core.models import Job
from shigan.core.spreadsheets.forms import check_upload
from shigan.core.spreadsheets.importers import ImportMode

__all__ = ["JobSerializer", "ImportInput", "JobViewSet", "import_job_start"]


class ImportErrorSerializer(serializers.Serializer[None]):
    row = serializers.IntegerField(help_text=gettext_lazy("行号（0 表示整个文件）"))
    letter = serializers.CharField(help_text=gettext_lazy("列号，如 C"))
    column = serializers.CharField(help_text=gettext_lazy("列名"))
    value = serializers.CharField(help_text=gettext_lazy("单元格的值"))
    message = serializers.CharField(help_text=gettext_lazy("错误说明"))


class ImportSummarySerializer(serializers.Serializer[None]):
    dry_run = serializers.BooleanField(required=False, help_text=gettext_lazy("是否只是预检"))
    total = serializers.IntegerField(required=False)
    created = serializers.IntegerField(required=False)
    updated = serializers.IntegerField(required=False)
    unchanged = serializers.IntegerField(required=False)
    rejected = serializers.IntegerField(required=False)
    error_list = ImportErrorSerializer(many=True, required=False)
    notes = serializers.ListField(child=serializers.CharField(), required=False)
    confirmed_job = serializers.IntegerField(required=False)


class JobSerializer(serializers.ModelSerializer[Job]):
    summary = ImportSummarySerializer(read_only=True)

    class Meta:
        model = Job
        fields = [
            "id",
            "kind",
            "state",
            "done",
            "total",
            "message",
            "summary",
            "input_name",
            "unit",
            "created_at",
            "finished_at",
        ]


class ImportInput(serializers.Serializer[None]):
    file = serializers.FileField(label=gettext_lazy("文件"))
    mode = serializers.ChoiceField(
        label=gettext_lazy("导入方式"),
        choices=ImportMode.choices,
        default=ImportMode.ALL_OR_NOTHING,
    )
    preview = serializers.BooleanField(
        label=gettext_lazy("先预检"), default=True, help_text=gettext_lazy("预检后须确认导入")
    )
    as_of = serializers.DateField(label=gettext_lazy("台账日期"), required=False, allow_null=True)

    def validate_file(self, upload: "UploadedFile[bytes]") -> "UploadedFile[bytes]":
        try:
            return check_upload(upload)
        except DomainError as error:
            raise serializers.ValidationError(error.message) from None


def import_job_start(
    request: Request,
    *,
    kind: str,
    unit: Any,
    params: dict[str, Any],  # unit: an orgs Unit
) -> Response:
    """Start an import job from an API upload; 202 with the job to poll."""
    data = parse(ImportInput, request.data)
    as_of = data.get("as_of")
    job = job_create(
        actor=request.user,
        kind=kind,
        params={
            "mode": data["mode"],
            "dry_run": data["preview"],
            "as_of": as_of.isoformat() if as_of else None,
            **params,
        },
        unit=unit,
        upload=data["file"],
        upload_name=data["file"].name,
    )
    job_enqueue(job)
    job.refresh_from_db()
    return Response(JobSerializer(job).data, status=status.HTTP_202_ACCEPTED)


@extend_schema(tags=["jobs"])
class JobViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet[Job]):
    """The user's own jobs (another user's job is a 404)."""

    serializer_class = JobSerializer

    def get_queryset(self) -> QuerySet[Job]:
        return job_list(user=self.request.user)

    @post_action(
        summary=gettext_lazy("确认导入预检过的表格"), request=None, responses={202: JobSerializer}
    )
    def confirm(self, request: Request, pk: str | None = None) -> Response:
        confirmed = job_confirm(actor=request.user, job=self.get_object())
        job_enqueue(confirmed)
        confirmed.refresh_from_db()
        return Response(JobSerializer(confirmed).data, status=status.HTTP_202_ACCEPTED)
