"""Writes of insights: setting a target, and recording a report download. Each checks the capability and
the area, validates, and writes an audit event in the same transaction."""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from fupin.accounts.roles import Cap
from fupin.core import audit
from fupin.core.actions import atomic, user_or_none
from fupin.core.actions import authorize as core_authorize
from fupin.divisions.models import Division
from fupin.insights.models import Target, TargetKey
from fupin.insights.targets import DEFINITIONS, PCT

FIELDS = ("threshold", "enabled", "note")


def _check(actor, capability: str, code: str) -> None:
    core_authorize(actor, capability=capability, area=code or "-")


@atomic()
def set_target(*, actor, region_code: str, year: int, key: str, threshold: Decimal | None, enabled: bool = True,
               note: str = "") -> Target:
    """Set (create or change) the target ``key`` for a region from ``year`` on."""
    region_code = (region_code or "").strip()
    problems: dict[str, str] = {}
    if len(region_code) not in (6, 9, 12) or not region_code.isdigit():
        problems["region_code"] = _("适用区域须为县（6 位）、乡镇（9 位）或村（12 位）区划代码。")
    elif not Division.objects.filter(code=region_code).exists():
        problems["region_code"] = _("区划代码 %(c)s 不存在。") % {"c": region_code}
    if key not in TargetKey.values:
        problems["key"] = _("未知的考核目标。")
    if not isinstance(year, int) or not 2000 <= year <= 2100:
        problems["year"] = _("年度须在 2000 至 2100 之间。")
    if problems:
        raise ValidationError(problems)
    _check(actor, Cap.MANAGE_TARGETS, region_code)
    definition = DEFINITIONS[key]
    if threshold is None:
        if not definition.optional_threshold:
            raise ValidationError({"threshold": _("请填写目标值。")})
    elif definition.unit == PCT and key != TargetKey.INCOME_GROWTH and not Decimal(0) <= threshold <= Decimal(100):
        raise ValidationError({"threshold": _("比例须在 0 至 100 之间。")})
    elif key == TargetKey.INCOME_GROWTH and not Decimal(-100) <= threshold <= Decimal(1000):
        raise ValidationError({"threshold": _("增幅须在 -100 至 1000 之间。")})
    elif definition.unit != PCT and (threshold < 0 or threshold != threshold.to_integral_value()):
        raise ValidationError({"threshold": _("人数或户数须为不小于 0 的整数。")})

    row = Target.objects.select_for_update().filter(county_code=region_code[:6], region_code=region_code,
                                                    year=year, key=key).first()
    before = audit.snapshot(row, FIELDS) if row else {}
    if row is None:
        row = Target(county_code=region_code[:6], region_code=region_code, year=year, key=key)
    row.threshold, row.enabled, row.note = threshold, enabled, (note or "").strip()[:200]
    row.updated_by = user_or_none(actor)
    row.save()
    after = audit.snapshot(row, FIELDS)
    changed_before, changed_after = audit.diff(before, after)
    audit.record(actor=actor, verb="insights.target.set", object_type="insights.Target", object_id=row.pk,
                 division_code=region_code,
                 summary=_("设定考核目标：%(r)s %(y)s 年起 %(k)s = %(t)s%(e)s") % {
                     "r": region_code, "y": year, "k": definition.label,
                     "t": "—" if threshold is None else threshold, "e": "" if enabled else _("（不纳入考核）")},
                 before=changed_before or None, after=changed_after)
    return row


@atomic()
def record_report_download(*, actor, area: str, year: int, public: bool, file_format: str) -> None:
    """Log a yearly-report download (who, which area and year, internal or public variant)."""
    _check(actor, Cap.VIEW_INSIGHTS, area)
    audit.record(actor=actor, verb="export.report", object_type="insights.report", object_id=f"{area}-{year}",
                 division_code=area,
                 summary=_("导出年度报告：%(a)s %(y)s 年（%(v)s，%(f)s）") % {
                     "a": area, "y": year, "v": _("对外公开版") if public else _("内部版"), "f": file_format},
                 after={"area": area, "year": year, "public": public, "format": file_format})
