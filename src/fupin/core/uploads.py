"""Limits on what may be uploaded, per kind, checked before anything reads the file:

- workbooks (household workbooks, department and national lists, survey workbooks): the size
  (FUPIN_MAX_IMPORT_MB); an xlsx is a zip, so also its number of entries and what it would expand to
  (FUPIN_XLSX_MAX_EXPANDED_MB, and at most FUPIN_XLSX_MAX_RATIO times its size: a 1 MB file that
  unpacks to 1 GB is refused before it is unpacked);
- images (visit photos, scanned documents): the size (FUPIN_MAX_UPLOAD_MB) and the pixel count from
  the header (FUPIN_MAX_IMAGE_MEGAPIXELS), without decoding the image.

Every refusal is a ValidationError on ``file`` in plain words.
"""

from __future__ import annotations

import io
import zipfile

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

MB = 1024 * 1024
MAX_XLSX_ENTRIES = 500


def check_workbook(name: str, data: bytes) -> None:
    if not data:
        raise ValidationError({"file": _("文件是空的。")})
    if len(data) > settings.FUPIN_MAX_IMPORT_MB * MB:
        raise ValidationError({"file": _("文件超过 %(n)d MB。") % {"n": settings.FUPIN_MAX_IMPORT_MB}})
    if data[:4] == b"PK\x03\x04" or name.lower().endswith((".xlsx", ".xlsm")):
        check_zip(data)


def check_zip(data: bytes) -> None:
    """An xlsx's entries and expanded size, from its directory (nothing is unpacked)."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        entries = archive.infolist()
    except zipfile.BadZipFile:
        return  # not a zip after all: the reader says what it is
    if len(entries) > MAX_XLSX_ENTRIES:
        raise ValidationError({"file": _("工作簿结构异常（包含 %(n)d 个部件），不予读取。") % {"n": len(entries)}})
    expanded = sum(e.file_size for e in entries)
    limit = min(settings.FUPIN_XLSX_MAX_EXPANDED_MB * MB, max(len(data), MB) * settings.FUPIN_XLSX_MAX_RATIO)
    if expanded > limit:
        raise ValidationError({"file": _("工作簿解压后过大（%(e)d MB），不予读取：请检查文件，或改用 CSV。") % {
            "e": expanded // MB}})


def image_size(data: bytes) -> tuple[int, int] | None:
    """(width, height) from an image's header, without decoding it; None when it cannot be read."""
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(io.BytesIO(data)) as image:
            return image.size
    except Image.DecompressionBombError:
        return (1 << 16, 1 << 16)  # larger than anything allowed (Pillow refuses to even open it)
    except (UnidentifiedImageError, OSError, ValueError):
        return None


def check_image(data: bytes) -> None:
    if len(data) > settings.FUPIN_MAX_UPLOAD_MB * MB:
        raise ValidationError({"file": _("文件不能超过 %(n)d MB。") % {"n": settings.FUPIN_MAX_UPLOAD_MB}})
    size = image_size(data)
    if size is None:
        raise ValidationError({"file": _("无法读取图片。")})
    width, height = size
    if width * height > settings.FUPIN_MAX_IMAGE_MEGAPIXELS * 1_000_000:
        raise ValidationError({"file": _("图片过大（%(w)d×%(h)d 像素），请缩小到 %(m)d 百万像素以内。") % {
            "w": width, "h": height, "m": settings.FUPIN_MAX_IMAGE_MEGAPIXELS}})
