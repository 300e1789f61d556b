"""Consistency checks of the registers (domain.md 1.2, household-template.md "Checks").

Pure functions over plain values (code-list values, not labels), shared by forms, actions and
the importer, so every entry path enforces the same rules. Each returns a list of
``(field, message)``; an empty list means the record passes.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

from django.utils.translation import gettext as _

NOT_IN_SCHOOL = "not_in_school"
HEAD, SPOUSE = "head", "spouse"
NO_WORK = ("", None, "none")

Problems = list[tuple[str, str]]


def check_member(m: Mapping) -> Problems:
    """Checks on one person. ``m`` holds model field names -> values (id_number already parsed)."""
    problems: Problems = []
    parsed = m.get("_parsed_id")
    if parsed is not None:
        if m.get("sex") and m["sex"] != parsed.sex:
            problems.append(("sex", _("性别与身份证号码第 17 位不符")))
        birth = m.get("birth_date")
        if birth and birth != parsed.birth_date:
            problems.append(("birth_date", _("出生日期与身份证号码不符（证件为 %(parsed_birth_date)s）") % {"parsed_birth_date": format(parsed.birth_date, "%Y-%m-%d")}))
        if parsed.disability_category:
            if m.get("disability_category") and m["disability_category"] != parsed.disability_category:
                problems.append(("disability_category", _("残疾类别与残疾人证号码不符")))
            if m.get("disability_grade") and m["disability_grade"] != parsed.disability_grade:
                problems.append(("disability_grade", _("残疾等级与残疾人证号码不符")))

    education = m.get("education") or ""
    schooling = m.get("schooling") or ""
    in_school = schooling not in ("", NOT_IN_SCHOOL)
    if education and in_school:
        problems.append(("schooling", _("文化程度与在校生状况只能填写一项（在校生填在校生状况）")))
    elif not education and not in_school:
        problems.append(("education", _("文化程度与在校生状况须填写一项")))

    if m.get("disabled"):
        has_card = parsed is not None and parsed.disability_category
        if not (m.get("disability_category") or has_card):
            problems.append(("disability_category", _("健康状况为残疾时须填写残疾类别")))
        if not (m.get("disability_grade") or has_card):
            problems.append(("disability_grade", _("健康状况为残疾时须填写残疾等级")))
    elif m.get("disability_category") or m.get("disability_grade"):
        problems.append(("disabled", _("填写了残疾类别或等级，健康状况应包含残疾")))

    months = m.get("work_months")
    working = m.get("work_status") not in NO_WORK
    if months is not None and not (0 <= int(months) <= 12):
        problems.append(("work_months", _("务工时间应为 0-12 个月")))
    elif working and not months:
        problems.append(("work_months", _("填写了务工状况，须同时填写务工时间")))
    elif months and not working:
        problems.append(("work_status", _("填写了务工时间，须同时填写务工状况")))
    return problems


def check_composition(members: Iterable[Mapping]) -> Problems:
    """Checks on the active members of one household: one head, at most one spouse of the other sex."""
    members = list(members)
    problems: Problems = []
    heads = [m for m in members if m.get("relation") == HEAD]
    spouses = [m for m in members if m.get("relation") == SPOUSE]
    if len(heads) != 1:
        problems.append(("relation", _("每户须有且仅有一名户主（现有 %(len_heads)s 名）") % {"len_heads": len(heads)}))
    if len(spouses) > 1:
        problems.append(("relation", _("每户最多一名配偶（现有 %(len_spouses)s 名）") % {"len_spouses": len(spouses)}))
    if len(heads) == 1 and len(spouses) == 1:
        head_sex, spouse_sex = heads[0].get("sex"), spouses[0].get("sex")
        if head_sex and spouse_sex and head_sex == spouse_sex:
            problems.append(("relation", _("配偶的性别应与户主不同")))
    return problems



PHONE_RE = r"^(1[3-9]\d{9}|0\d{2,3}-?\d{7,8})$"
BANK_RE = r"^\d{12,30}$"


def check_household(h: Mapping) -> Problems:
    """Checks on one household's own fields (values are code-list values)."""
    problems: Problems = []
    kind = h.get("household_type")
    if h.get("exit_year") and kind not in ("exited", "monitored"):
        # an ex-poor household under monitoring (脱贫不稳定户) keeps its exit year
        problems.append(("exit_year", _("脱贫年度只适用于脱贫户（或转为监测户的脱贫户）")))
    if kind == "exited" and not h.get("exit_year"):
        problems.append(("exit_year", _("脱贫户须填写脱贫年度")))
    if h.get("monitoring_type") and kind != "monitored":
        problems.append(("monitoring_type", _("监测类型只适用于监测户")))
    if kind == "monitored" and not h.get("monitoring_type"):
        problems.append(("monitoring_type", _("监测户须填写监测类型")))
    if h.get("poverty_attribute") and kind == "ordinary":
        problems.append(("poverty_attribute", _("一般农户不应填写贫困户属性")))
    others = [c for c in (h.get("other_cause_1"), h.get("other_cause_2")) if c]
    if len(set(others)) != len(others):
        problems.append(("other_cause_2", _("其他致贫原因重复")))
    if h.get("main_cause") and h["main_cause"] in others:
        problems.append(("other_cause_1", _("其他致贫原因不能与主要致贫原因相同")))
    if others and not h.get("main_cause"):
        problems.append(("main_cause", _("填写其他致贫原因时须先填写主要致贫原因")))
    start, end = h.get("identification_year"), h.get("exit_year")
    if start and end and end < start:
        problems.append(("exit_year", _("脱贫年度不能早于识别年度")))
    for field in ("phone", "helper_phone"):
        if h.get(field) and not re.match(PHONE_RE, str(h[field])):
            problems.append((field, _("电话应为 11 位手机号或带区号的固定电话")))
    if h.get("bank_account") and not re.match(BANK_RE, str(h["bank_account"])):
        problems.append(("bank_account", _("银行账号应为 12-30 位数字")))
    return problems
