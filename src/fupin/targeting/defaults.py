"""The national poverty lines 2010-2020 (domain.md 2.4) and the 2021 monitoring threshold, as
published national rule sets. Loaded by a data migration; ``ensure_national`` also restores them
where a database was emptied."""

from decimal import Decimal

LINES = {
    2010: ("2300", "2010 年不变价 2300 元（国家统计局）"),
    2011: ("2536", "国家统计局按低收入人口消费价格指数更新"),
    2012: ("2625", "国家统计局"),
    2013: ("2736", "国家统计局"),
    2014: ("2800", "国家统计局；自 2014 年起与可支配收入比较"),
    2015: ("2855", "国家统计局 2015-10-16 发布"),
    2016: ("2952", "国家统计局"),
    2017: ("2952", "数值未经核实（unverified），使用前请核对"),
    2018: ("2995", "数值未经核实（unverified），使用前请核对"),
    2019: ("3218", "仅见二手来源，使用前请核对"),
    2020: ("4000", "约 4000 元（现行标准）"),
}


def ensure_national(rule_set_model) -> None:
    """Create the national rule sets that are missing (``rule_set_model`` may be a historical model)."""
    for year, (line, note) in LINES.items():
        rule_set_model.objects.get_or_create(
            region_code="", year=year, version=1,
            defaults={"name": f"{year} 年国家扶贫标准", "status": "published", "income_line": Decimal(line),
                      "notes": f"国家农村扶贫标准（2010 年价格 2300 元/人·年）{year} 年现价：{line} 元。{note}"},
        )
    rule_set_model.objects.get_or_create(
        region_code="", year=2021, version=1,
        defaults={"name": "2021 年防止返贫监测标准", "status": "published", "income_line": Decimal("4000"),
                  "monitoring_threshold": Decimal("6000"),
                  "notes": "2021 年防止返贫监测范围：上一年脱贫标准的 1.5 倍，即人均 6000 元。"
                           "2022 年起监测范围由各省确定，请复制为本县规则并填写。"},
    )
