"""The upload form every import page uses."""

from pathlib import Path
from typing import Any

from django import forms
from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from shigan.core.errors import CoreError, DomainError, ErrorCode
from shigan.core.spreadsheets.importers import ImportMode
from shigan.core.spreadsheets.reading import (
    SUPPORTED_EXTENSIONS,
    WEB_PAGE_MESSAGE,
    is_web_page,
)

__all__ = ["ImportForm", "check_upload"]

# What browsers send for office sheets (some send octet-stream for all of them).
_CONTENT_TYPES = {
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "application/vnd.ms-excel",
    "application/vnd.oasis.opendocument.spreadsheet",
    "application/vnd.ms-excel.sheet.macroenabled.12",
    "text/csv",
    "text/plain",
    "application/csv",
    "application/octet-stream",
    "application/zip",
    "",
}


class ImportForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("文件"),
        help_text=gettext_lazy("xlsx、xls、ods 或 csv（UTF-8 或 GB18030）。"),
    )
    mode = forms.ChoiceField(
        label=gettext_lazy("导入方式"),
        choices=ImportMode.choices,
        initial=ImportMode.ALL_OR_NOTHING,
        widget=forms.RadioSelect,
    )
    as_of = forms.DateField(
        label=gettext_lazy("台账日期"),
        required=False,
        help_text=gettext_lazy(
            "表格中没有“填报日期”一行时，记录的发现日期以此为准；不填为今天。"
            "没有年份的日期（如“6月30日”）取台账日期的年份。"
        ),
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    preview = forms.BooleanField(
        label=gettext_lazy("先预检：列出新增、更新、未变和错误的行，确认后再写入"),
        required=False,
        initial=True,
    )

    def options(self) -> dict[str, Any]:
        """The import job's parameters from this form."""
        as_of = self.cleaned_data.get("as_of")
        return {
            "mode": self.cleaned_data["mode"],
            "dry_run": bool(self.cleaned_data.get("preview")),
            "as_of": as_of.isoformat() if as_of else None,
        }

    def clean_file(self) -> "UploadedFile[bytes]":
        try:
            return check_upload(self.cleaned_data["file"])
        except DomainError as error:
            raise forms.ValidationError(error.message) from None


def check_upload(upload: "UploadedFile[bytes]") -> "UploadedFile[bytes]":
    """A spreadsheet upload, checked by name, size, declared type and its first bytes (the
    upload form and the API share it); raises DomainError naming what is wrong."""
    ext = Path(upload.name or "").suffix.lower()  # no name: no extension, refused below
    if ext not in SUPPORTED_EXTENSIONS:
        raise _bad(
            _("不支持的文件类型“%(ext)s”，请上传 xlsx、xls、ods 或 csv 文件。")
            % {"ext": ext or "?"}
        )
    if (upload.size or 0) > settings.SHIGAN_IMPORT_MAX_BYTES:
        raise _bad(
            _("文件不能超过 %(mb)d MB。") % {"mb": settings.SHIGAN_IMPORT_MAX_BYTES // 2**20}
        )
    content_type = (getattr(upload, "content_type", "") or "").split(";")[0].strip()
    if content_type not in _CONTENT_TYPES:
        raise _bad(_("文件内容类型不是表格。"))
    head = upload.read(512)
    upload.seek(0)
    # An .xls renamed .xlsx (or back) is read as what it is; anything but a workbook is not.
    if ext != ".csv" and not head.startswith((b"PK\x03\x04", b"\xd0\xcf\x11\xe0")):
        if is_web_page(head):
            raise _bad(str(WEB_PAGE_MESSAGE))
        raise _bad(_("文件内容与扩展名不符，请确认是 Excel 或 WPS 表格。"))
    return upload


def _bad(message: str) -> DomainError:
    return CoreError(message, code=ErrorCode.BAD_FILE, field="file")
