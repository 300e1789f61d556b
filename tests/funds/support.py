"""Small builders for the funds tests: sources, approved projects with beneficiaries, allocations."""

from __future__ import annotations

from decimal import Decimal

from fupin.core.actions import SYSTEM
from fupin.funds import actions
from fupin.funds.models import ProjectType, SourceKind
from tests.factories import COUNTY, JIANYUAN, make_household

YEAR = 2023


def source(actor=SYSTEM, *, amount="1000000.00", kind=SourceKind.CENTRAL_INDUSTRY, year=YEAR, **fields):
    data = {"year": year, "kind": kind, "name": fields.pop("name", f"{kind} 资金"), "amount": Decimal(amount),
            "document_no": "赣财农〔2023〕1号", **fields}
    if kind == SourceKind.DEPARTMENT:
        data.setdefault("department", "agriculture")
    return actions.create_source(actor=actor, county_code=COUNTY, fields=data)


def project(actor=SYSTEM, *, area=JIANYUAN, budget="500000.00", type=ProjectType.INDUSTRY, year=YEAR, approve=True,
            households=(), **fields):
    data = {"name": fields.pop("name", "白茶种植基地"), "type": type, "budget": Decimal(budget),
            "lead_unit": "县农业农村局", **fields}
    p = actions.declare_project(actor=actor, division_code=area, year=year, fields=data)
    if households:
        actions.add_beneficiaries(actor=actor, project=p, household_codes=[h.household_code for h in households])
    if approve:
        p = actions.transition(actor=actor, project=p, key="approve", note="同意")
    return p


def household(village=JIANYUAN, **fields):
    return make_household(village, **fields)
