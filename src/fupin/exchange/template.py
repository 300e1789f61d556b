"""The household workbook (户籍成员明细表, household-template.md): its columns, in order, with the
model field each one fills and how its cells are read. Import, export and the blank template all
use this one list."""

from __future__ import annotations

import re
from dataclasses import dataclass

from fupin.core.codes import CodeList
from fupin.registry import codes

HOUSEHOLD, MEMBER = "H", "M"


@dataclass(frozen=True)
class Column:
    header: str
    level: str  # HOUSEHOLD or MEMBER
    field: str  # the model field (or a pseudo-field the importer knows)
    kind: str  # text, code, yesno, year, money, area, months, phone, bank, date, id, causes, health, division
    required: bool = False
    codes: type[CodeList] | None = None
    width: int = 12
    aliases: tuple[str, ...] = ()  # other headers that mean this column (department lists)

    @property
    def names(self) -> tuple[str, ...]:
        return (self.header, *self.aliases)


def _c(header, level, field, kind, required=False, code_list=None, width=12) -> Column:
    return Column(header, level, field, kind, required, code_list, width)


COLUMNS: tuple[Column, ...] = (
    _c("户编号", HOUSEHOLD, "household_code", "text", True, width=20),
    _c("行政区划代码", HOUSEHOLD, "division_code", "division", True, width=15),
    _c("村民小组", HOUSEHOLD, "group_name", "text"),
    _c("户类型", HOUSEHOLD, "household_type", "code", True, codes.HouseholdType),
    _c("贫困户属性", HOUSEHOLD, "poverty_attribute", "code", code_list=codes.PovertyAttribute, width=14),
    _c("识别标准", HOUSEHOLD, "identification_standard", "code", code_list=codes.IdentificationStandard),
    _c("识别年度", HOUSEHOLD, "identification_year", "year"),
    _c("脱贫年度", HOUSEHOLD, "exit_year", "year"),
    _c("监测类型", HOUSEHOLD, "monitoring_type", "code", code_list=codes.MonitoringType, width=14),
    _c("主要致贫原因", HOUSEHOLD, "main_cause", "code", code_list=codes.PovertyCause),
    _c("其他致贫原因", HOUSEHOLD, "other_causes", "causes", width=16),
    _c("收入年度", HOUSEHOLD, "income_year", "year", True),
    _c("工资性收入", HOUSEHOLD, "wage_income", "money"),
    _c("生产经营性收入", HOUSEHOLD, "business_income", "money"),
    _c("财产性收入", HOUSEHOLD, "property_income", "money"),
    _c("资产收益分红", HOUSEHOLD, "property_dividends", "money"),
    _c("转移性收入", HOUSEHOLD, "transfer_income", "money"),
    _c("低保金", HOUSEHOLD, "transfer_dibao", "money"),
    _c("特困供养金", HOUSEHOLD, "transfer_tekun", "money"),
    _c("养老金", HOUSEHOLD, "transfer_pension", "money"),
    _c("生态补偿金", HOUSEHOLD, "transfer_ecological", "money"),
    _c("计划生育金", HOUSEHOLD, "transfer_family_planning", "money"),
    _c("其他转移性收入", HOUSEHOLD, "transfer_other", "money"),
    _c("生产经营性支出", HOUSEHOLD, "production_costs", "money"),
    _c("危房等级", HOUSEHOLD, "house_grade", "code", code_list=codes.HouseGrade),
    _c("危房已改造", HOUSEHOLD, "house_renovated", "yesno"),
    _c("饮水安全", HOUSEHOLD, "safe_water", "yesno"),
    _c("卫生厕所", HOUSEHOLD, "sanitary_toilet", "yesno"),
    _c("通生活用电", HOUSEHOLD, "has_power", "yesno"),
    _c("主要燃料", HOUSEHOLD, "main_fuel", "code", code_list=codes.Fuel),
    _c("入户路类型", HOUSEHOLD, "access_road", "code", code_list=codes.AccessRoad),
    _c("耕地面积", HOUSEHOLD, "farmland_area", "area"),
    _c("林地面积", HOUSEHOLD, "forest_area", "area"),
    _c("有搬迁意愿", HOUSEHOLD, "relocation_willing", "yesno"),
    _c("已搬迁", HOUSEHOLD, "relocated", "yesno"),
    _c("联系电话", HOUSEHOLD, "phone", "phone", width=14),
    _c("开户银行", HOUSEHOLD, "bank_name", "text", width=20),
    _c("银行账号", HOUSEHOLD, "bank_account", "bank", width=22),
    _c("帮扶责任人", HOUSEHOLD, "helper_name", "text"),
    _c("帮扶责任人单位", HOUSEHOLD, "helper_unit", "text", width=20),
    _c("帮扶责任人电话", HOUSEHOLD, "helper_phone", "phone", width=14),
    _c("姓名", MEMBER, "name", "text", True),
    _c("证件类型", MEMBER, "id_type", "code", code_list=codes.IdType),
    _c("证件号码", MEMBER, "id_number", "id", True, width=22),
    _c("性别", MEMBER, "sex", "code", code_list=codes.Sex, width=6),
    _c("出生日期", MEMBER, "birth_date", "date"),
    _c("与户主关系", MEMBER, "relation", "code", True, codes.Relation),
    _c("民族", MEMBER, "ethnicity", "code", code_list=codes.Ethnicity, width=8),
    _c("文化程度", MEMBER, "education", "code", code_list=codes.Education),
    _c("在校生状况", MEMBER, "schooling", "code", code_list=codes.Schooling),
    _c("健康状况", MEMBER, "health", "health", width=16),
    _c("残疾类别", MEMBER, "disability_category", "code", code_list=codes.DisabilityCategory),
    _c("残疾等级", MEMBER, "disability_grade", "code", code_list=codes.DisabilityGrade),
    _c("劳动技能", MEMBER, "labour_skill", "code", code_list=codes.LabourSkill, width=16),
    _c("劳动意愿", MEMBER, "work_willing", "yesno"),
    _c("务工状况", MEMBER, "work_status", "code", code_list=codes.WorkStatus),
    _c("务工时间", MEMBER, "work_months", "months"),
    _c("基本医疗保险", MEMBER, "medical_insurance", "yesno"),
    _c("大病保险", MEMBER, "critical_illness_insurance", "yesno"),
    _c("享受低保", MEMBER, "dibao", "yesno"),
    _c("特困供养", MEMBER, "tekun", "yesno"),
    _c("养老保险", MEMBER, "pension_insurance", "yesno"),
)
# 转移性收入 by item, as on the national card: the total is their sum; a file that gives only the
# total (older files) puts it all under 其他转移性收入.
TRANSFER_ITEMS = codes.TRANSFER_ITEMS
BY_HEADER = {c.header: c for c in COLUMNS}
BY_FIELD = {c.field: c for c in COLUMNS}
HOUSEHOLD_COLUMNS = [c for c in COLUMNS if c.level == HOUSEHOLD]
MEMBER_COLUMNS = [c for c in COLUMNS if c.level == MEMBER]
ID_HEADER = "证件号码"
SHEET_NAME = "成员明细"

# The values of the 健康状况 column (several joined by 、) and the member flags they set.
HEALTH_FLAGS = {"长期慢性病": "chronic_illness", "患有大病": "serious_illness", "残疾": "disabled"}
HEALTHY = "健康"
YES = frozenset({"是", "y", "yes", "1", "√", "true", "t", "有"})
NO = frozenset({"否", "n", "no", "0", "×", "x", "false", "f", "无"})
LIST_SEPARATORS = re.compile(r"[、,，;；/]+")
_BRACKETS = str.maketrans({"（": "(", "）": ")", "【": "[", "】": "]"})


def normalise_header(text) -> str:
    """Headers match with surrounding spaces, full-width brackets and a required-mark removed."""
    if text is None:
        return ""
    return re.sub(r"\s+", "", str(text)).translate(_BRACKETS).rstrip("*＊")


def terms(code_list: type[CodeList]) -> list[str]:
    """The Chinese terms of a code list, as the workbook writes them."""
    from django.utils import translation

    with translation.override("zh-hans"):
        return [str(label) for _value, label in code_list.choices]


def accepted(column: Column) -> dict[str, str]:
    """Every spelling of a code-list column's values -> the stored value."""
    from fupin.core.codes import _lookup

    table = dict(_lookup(column.codes))
    if column.codes is codes.HouseGrade:
        table.update({g: g for g in "ABCD"})
    if column.codes is codes.WorkStatus:
        table.update({"无": "none", "": ""})
    return table
