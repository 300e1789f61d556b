"""Pure rules about statistical division codes (统计用区划代码): levels, kinds, urban-rural class.

Codes are stored in their short form, which is a prefix of every code below them:
province '36', city '3610', county '361022', township '361022201', village '361022201205'.
"""

from enum import IntEnum

LEVEL_BY_LENGTH = {2: 1, 4: 2, 6: 3, 9: 4, 12: 5}


class Level(IntEnum):
    PROVINCE = 1
    CITY = 2
    COUNTY = 3
    TOWNSHIP = 4
    VILLAGE = 5


def level_of(code: str) -> Level:
    try:
        return Level(LEVEL_BY_LENGTH[len(code)])
    except KeyError:
        raise ValueError(f"not a division code: {code!r}") from None


def parent_of(code: str) -> str:
    return {2: "", 4: code[:2], 6: code[:4], 9: code[:6], 12: code[:9]}[len(code)]


# The length of the codes of the areas one level down: prefectures of a province, counties of a
# prefecture, townships of a county, villages of a township (a village has none).
CHILD_WIDTH = {0: 2, 2: 4, 4: 6, 6: 9, 9: 12}


def child_width(area: str) -> int | None:
    """Code length of ``area``'s child areas (the per-area tables and drill-downs group by it); None
    for a village."""
    return CHILD_WIDTH.get(len(area))


def child_label(area: str) -> str:
    """What ``area``'s child areas are called (the first column of a per-area table): 市 of a province,
    县（市、区） of a prefecture, 乡镇 of a county, 村 of a township (a village's rows are households)."""
    from django.utils.translation import gettext as _

    return {2: _("市"), 4: _("县（市、区）"), 6: _("乡镇"), 9: _("村")}.get(len(area), _("户"))


def short_code(code: str) -> str:
    """'361022000000' -> '361022'; keeps the short form unchanged."""
    code = code.strip()
    if len(code) == 12:
        for length in (2, 4, 6, 9):
            if code[length:] == "0" * (12 - length):
                return code[:length]
    return code


def full_code(code: str) -> str:
    return code.ljust(12, "0")


def township_kind(code: str) -> str:
    """Kind of a township-level unit from its three digits: 001-099 街道, 100-199 镇, 200-399 乡."""
    n = int(code[6:9])
    if n < 100:
        return "subdistrict"
    if n < 200:
        return "town"
    if n < 400:
        return "township"
    return "special"


def village_kind(name: str) -> str:
    if "村委会" in name or name.endswith("村"):
        return "village_committee"
    if "居委会" in name or "社区" in name:
        return "residents_committee"
    return "other"


def infer_urban_rural_class(village_name: str, township_code: str) -> str:
    """The urban-rural class when the file does not give it (the released CSVs do not).

    村委会 -> 220 (village). Residents' committees by their township: 街道 -> 111 (main urban),
    镇 -> 121 (town centre), 乡 -> 210 (township centre), other units -> 123 (special area).
    """
    if village_kind(village_name) == "village_committee":
        return "220"
    return {"subdistrict": "111", "town": "121", "township": "210"}.get(township_kind(township_code), "123")
