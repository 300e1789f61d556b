"""The rules of the 八个一 and of plans, measures and visit photos, as pure functions and Q objects."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db.models import Q
from django.utils.translation import gettext as _

from fupin.assistance.models import DEVELOPMENT_CATEGORIES, Category, MeasureStatus
from fupin.registry import codes


def needs_help_q(prefix: str = "") -> Q:
    """The households the household-level 一 apply to (一户一个帮扶措施、一个增收项目、一名帮扶人员).

    These are the 建档立卡 households being helped: active households that are poor (贫困户) or
    monitored (监测户), and exited households (脱贫户) that still enjoy the policies
    (``enjoys_policy``: 脱贫不脱政策). Ordinary households and exited households whose policies
    have ended are not counted. ``prefix`` names the household-table path ('' or 'household__').
    """
    p = prefix
    return Q(**{f"{p}status": codes.RecordStatus.ACTIVE}) & (
        Q(**{f"{p}household_type__in": [codes.HouseholdType.POOR, codes.HouseholdType.MONITORED]})
        | Q(**{f"{p}household_type": codes.HouseholdType.EXITED, f"{p}enjoys_policy": True})
    )


def has_helper_q(prefix: str = "") -> Q:
    """A household has a helper when one is linked by account or at least named on the card."""
    return Q(**{f"{prefix}helper_user__isnull": False}) | ~Q(**{f"{prefix}helper_name": ""})


def check_measure(data: dict, *, household_level: bool, today: dt.date) -> list[tuple[str, str]]:
    """Problems with a measure's fields, as (field, message) pairs; an empty list means it is valid."""
    problems: list[tuple[str, str]] = []
    category = data.get("category") or ""
    if category not in Category.values:
        problems.append(("category", _("请选择帮扶类别。")))
    if not (data.get("description") or "").strip():
        problems.append(("description", _("请填写措施内容。")))
    cost = data.get("cost")
    if cost is not None and Decimal(cost) < 0:
        problems.append(("cost", _("资金不能为负数。")))
    if cost is not None and Decimal(cost) != Decimal(cost).quantize(Decimal("0.01")):
        problems.append(("cost", _("资金最多精确到分（两位小数）。")))
    income_project = bool(data.get("income_project"))
    expected = data.get("expected_income")
    if income_project:
        if not household_level:
            problems.append(("income_project", _("增收项目只适用于户帮扶计划。")))
        elif category and category not in DEVELOPMENT_CATEGORIES:
            problems.append(("income_project", _("增收项目须为开发式帮扶：产业、就业、小额信贷或公益性岗位。")))
        if expected is None or Decimal(expected) <= 0:
            problems.append(("expected_income", _("增收项目须填写预计年增收（大于 0 元）。")))
    elif expected not in (None, ""):
        problems.append(("expected_income", _("只有增收项目填写预计年增收。")))
    status = data.get("status") or MeasureStatus.PLANNED
    done_on = data.get("done_on")
    if status == MeasureStatus.DONE:
        if done_on is None:
            problems.append(("done_on", _("已完成的措施须填写完成日期。")))
        elif done_on > today:
            problems.append(("done_on", _("完成日期不能晚于今天。")))
    elif done_on is not None:
        problems.append(("done_on", _("只有已完成的措施填写完成日期。")))
    return problems


# Image types accepted for visit photos, recognised by their first bytes (never by the name alone).
IMAGE_TYPES = {"jpeg": "image/jpeg", "png": "image/png", "webp": "image/webp"}
EXTENSIONS = {"jpeg": "jpg", "png": "png", "webp": "webp"}


def image_kind(content: bytes) -> str | None:
    """'jpeg', 'png' or 'webp' when the bytes are such an image, else None."""
    if content.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if content.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if len(content) >= 12 and content[:4] == b"RIFF" and content[8:12] == b"WEBP":
        return "webp"
    return None


def check_photo(name: str, content: bytes, *, max_mb: int) -> tuple[str | None, str]:
    """(kind, '') for an acceptable photo, (None, message) otherwise."""
    if not content:
        return None, _("照片“%(n)s”是空文件。") % {"n": name}
    if len(content) > max_mb * 1024 * 1024:
        return None, _("照片“%(n)s”超过 %(m)d MB。") % {"n": name, "m": max_mb}
    kind = image_kind(content)
    if kind is None:
        return None, _("“%(n)s”不是 JPEG、PNG 或 WebP 图片。") % {"n": name}
    return kind, ""
