"""Small helpers for the assistance tests."""

import datetime as dt
import struct
import zlib
from decimal import Decimal

from fupin.assistance import actions
from fupin.assistance.models import Category, PlanLevel
from fupin.core.actions import SYSTEM

YEAR = 2023


def jpeg(width: int = 4, height: int = 3) -> bytes:
    """A valid JPEG image (Pillow)."""
    import io

    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (width, height), (200, 60, 20)).save(out, "JPEG")
    return out.getvalue()


def png(width: int = 2, height: int = 2) -> bytes:
    """A valid PNG image, built in memory."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    raw = b"".join(b"\x00" + b"\xff\x00\x00" * width for _ in range(height))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


def household_plan(household, *, actor=SYSTEM, year: int = YEAR, **fields):
    return actions.create_plan(actor=actor, level=PlanLevel.HOUSEHOLD, year=year, household=household,
                               fields={"title": fields.pop("title", "户帮扶计划"), **fields})


def measure(plan, *, actor=SYSTEM, income: bool = False, **fields):
    data = {"category": Category.INDUSTRY if income else Category.HEALTH, "description": "发展白茶产业" if income
            else "家庭医生签约", "cost": Decimal("1200.50"), "lead_unit": "黎川县农业农村局",
            "planned_on": dt.date(YEAR, 6, 30)}
    if income:
        data.update(income_project=True, expected_income=Decimal("5000"))
    data.update(fields)
    return actions.add_measure(actor=actor, plan=plan, fields=data)


def area_plan(level: str, code: str, *, actor=SYSTEM, year: int = YEAR, **fields):
    return actions.create_plan(actor=actor, level=level, year=year, division_code=code,
                               fields={"title": fields.pop("title", "方案"), "goals": fields.pop("goals", "目标"),
                                       **fields})
