"""Citizen ID numbers (GB 11643-1999) and disability-card numbers: validation and normalisation.

No database access (only Django's gettext for the messages). ``parse`` accepts what arrives from the field (spaces, full-width digits,
a lower-case x, legacy 15-digit IDs, 20-character disability cards) and returns the canonical
18-character ID with what it encodes, or raises :class:`IdNumberError` with a Chinese message.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass
from operator import mul

from django.utils.translation import gettext as _

WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
CHECK_CHARS = "10X98765432"
PROVINCE_CODES = frozenset(
    "11 12 13 14 15 21 22 23 31 32 33 34 35 36 37 41 42 43 44 45 46 50 51 52 53 54 61 62 63 64 65 "
    "71 81 82 83 91".split()
)
DISABILITY_CATEGORIES = frozenset("1234567")  # 视力 听力 言语 肢体 智力 精神 多重
EARLIEST_BIRTH = dt.date(1880, 1, 1)
_SCIENTIFIC = re.compile(r"^\d(\.\d+)?[eE]\+?\d+$")


class IdNumberError(ValueError):
    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass(frozen=True)
class IdNumber:
    number: str  # canonical 18 characters
    birth_date: dt.date
    sex: str  # "1" male, "2" female (GB/T 2261.1)
    address_code: str
    source: str  # "18", "15" or "disability_card"
    disability_category: str = ""
    disability_grade: str = ""

    @property
    def disability_card(self) -> str:
        if not self.disability_category:
            return ""
        return f"{self.number}{self.disability_category}{self.disability_grade}"

    def age_on(self, day: dt.date) -> int:
        return age_on(self.birth_date, day)


def age_on(birth: dt.date, day: dt.date) -> int:
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


def check_char(first17: str) -> str:
    """The check character for 17 digits: "10X98765432"[sum(a_i * W_i) mod 11]."""
    if len(first17) != 17:
        raise ValueError("17 digits expected")
    return CHECK_CHARS[sum(map(mul, map(int, first17), WEIGHTS)) % 11]


def clean(raw) -> str:
    """Spaces removed, full-width characters folded (NFKC), x upper-cased."""
    if raw is None:
        return ""
    if isinstance(raw, float):
        raise IdNumberError("excel_number",
            _("证件号码被 Excel 转成了数字，末尾几位已丢失，请将该列设为文本后重新填写"))
    text = unicodedata.normalize("NFKC", str(raw))
    text = re.sub(r"\s+", "", text).upper()
    return text


def _birth(digits8: str) -> dt.date:
    try:
        born = dt.date(int(digits8[:4]), int(digits8[4:6]), int(digits8[6:8]))
    except ValueError:
        raise IdNumberError("birth_date", _("出生日期 %(digits8)s 不是有效日期") % {"digits8": digits8}) from None
    if born < EARLIEST_BIRTH or born > dt.date.today():
        raise IdNumberError("birth_date", _("出生日期 %(digits8)s 不在合理范围内") % {"digits8": digits8})
    return born


def _parse18(text: str, source: str) -> IdNumber:
    if not re.fullmatch(r"\d{17}[\dX]", text):
        raise IdNumberError("format", _("身份证号码应为 17 位数字加 1 位数字或 X"))
    if text[:2] not in PROVINCE_CODES:
        raise IdNumberError("address", _("地址码 %(address)s 的省级代码 %(province)s 不存在") % {"address": text[:6], "province": text[:2]})
    try:
        born = _birth(text[6:14])
    except IdNumberError:
        if text.endswith("000") or came_from_float(text):  # the float ate into the birth date
            raise IdNumberError(
                "excel_number", _("证件号码可能被 Excel 转成了数字，末尾几位已丢失，请将该列设为文本后重新填写")
            ) from None
        raise
    expected = check_char(text[:17])
    if text[17] != expected:
        if text.endswith("000") or came_from_float(text):
            raise IdNumberError(
                "excel_number", _("校验位不符，且末尾为 000：证件号码可能被 Excel 转成了数字，末尾几位已丢失")
            )
        raise IdNumberError("checksum", _("校验位应为 %(expected)s，实为 %(text_17)s") % {"expected": expected, "text_17": text[17]})
    sex = "1" if int(text[16]) % 2 == 1 else "2"
    return IdNumber(number=text, birth_date=born, sex=sex, address_code=text[:6], source=source)


def came_from_float(text: str) -> bool:
    """True when an 18-digit number is exactly a double-precision value: what Excel stores when an
    ID is typed into a number cell (the last digits are lost; a real ID is such a value only by
    chance, and then its checksum still has to fail for this to be asked)."""
    if not text.isdigit():
        return False
    value = int(text)
    if value < 2**53:
        return False
    spacing = 2 ** (value.bit_length() - 53)
    return value % spacing == 0


def convert15(text: str) -> str:
    """Legacy 15-digit ID -> 18 characters: insert '19' before the 2-digit year, append the check."""
    first17 = text[:6] + "19" + text[6:]
    return first17 + check_char(first17)


def parse(raw) -> IdNumber:
    text = clean(raw)
    if not text:
        raise IdNumberError("empty", _("证件号码为空"))
    if _SCIENTIFIC.match(text):
        raise IdNumberError("excel_number", _("证件号码被 Excel 转成了科学计数法，末尾几位已丢失，请将该列设为文本后重新填写"))
    if len(text) == 18:
        return _parse18(text, "18")
    if len(text) == 15:
        if not text.isdigit():
            raise IdNumberError("format", _("15 位身份证号码应全部为数字"))
        return _parse18(convert15(text), "15")
    if len(text) == 20:
        base = _parse18(text[:18], "disability_card")
        category, grade = text[18], text[19]
        if category not in DISABILITY_CATEGORIES:
            raise IdNumberError("disability_category", _("残疾人证第 19 位（残疾类别）应为 1-7，实为 %(category)s") % {"category": category})
        if grade not in "1234":
            raise IdNumberError("disability_grade", _("残疾人证第 20 位（残疾等级）应为 1-4，实为 %(grade)s") % {"grade": grade})
        return IdNumber(
            number=base.number, birth_date=base.birth_date, sex=base.sex, address_code=base.address_code,
            source="disability_card", disability_category=category, disability_grade=grade,
        )
    raise IdNumberError("length", _("证件号码应为 18 位（或旧 15 位、残疾人证 20 位），实为 %(len_text)s 位") % {"len_text": len(text)})


def is_valid(raw) -> bool:
    try:
        parse(raw)
    except IdNumberError:
        return False
    return True


def make(address: str, birth: dt.date, sequence: int) -> str:
    """Build a valid 18-character ID (used by the demo generator and test factories)."""
    first17 = f"{address}{birth:%Y%m%d}{sequence:03d}"
    return first17 + check_char(first17)
