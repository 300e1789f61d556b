"""Sample department lists for the demo county, drawn from its registry (seeded, set-based with
polars), and the matching runs the demo shows: what a county receives from the medical-insurance
bureau, civil affairs and public security, with the few surprises such lists hold."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import polars as pl
from django.conf import settings

from fupin.core.actions import SYSTEM
from fupin.registry import idnumber
from fupin.registry.models import Member

FILES = "demo-files"


def _members() -> pl.DataFrame:
    rows = Member.objects.filter(status="active").values_list(
        "id_number", "name", "birth_date", "medical_insurance", "dibao", "tekun", "household__household_type")
    return pl.DataFrame(list(rows), schema=["id", "name", "birth", "insured", "dibao", "tekun", "type"],
                        orient="row", infer_schema_length=None)


def _strangers(n: int, seed: int) -> list[str]:
    """Valid ID numbers of people who are not in the registry (another county's address code)."""
    return [idnumber.make("361024", dt.date(1960, 1, 1) + dt.timedelta(days=(seed * 7919 + i * 97) % 20000), i % 1000)
            for i in range(n)]


def write_lists(seed: int = 2023) -> dict[str, Path]:
    out = Path(settings.VAR_DIR) / FILES
    out.mkdir(parents=True, exist_ok=True)
    people = _members()
    paths = {}

    # 医保: out-of-pocket spending of 4% of the members (a few large), insurance status as the bureau has it
    ill = people.sample(fraction=0.04, seed=seed).with_row_index("i")
    spent = (pl.col("i") * 7919 % 1000).cast(pl.Float64)
    medical = ill.select(
        pl.col("id").alias("身份证号码"), pl.col("name").alias("姓名"), pl.lit("2023").alias("年度"),
        pl.when(pl.col("i") % 40 == 0).then(pl.lit("未参保")).otherwise(pl.lit("参保")).alias("参保状态"),
        (pl.when(pl.col("i") % 25 == 0).then(spent * 40 + 9000).otherwise(spent * 3 + 200)).round(2)
        .alias("个人自付"),
    ).with_columns((pl.col("个人自付") * 2.4).round(2).alias("医疗总费用"))
    medical = pl.concat([medical, pl.DataFrame({
        "身份证号码": _strangers(30, seed), "姓名": ["外县人员"] * 30, "年度": ["2023"] * 30, "参保状态": ["参保"] * 30,
        "个人自付": [800.0] * 30, "医疗总费用": [2000.0] * 30})])
    paths["medical_insurance"] = out / "医保-2023年医疗费用.csv"
    medical.write_csv(paths["medical_insurance"], include_bom=True)

    # 民政: the 低保 and 特困 recipients (as the registry has them), some it does not know, temporary help
    known = people.filter(pl.col("dibao") | pl.col("tekun")).select(
        "id", "name", pl.when(pl.col("tekun")).then(pl.lit("特困供养")).otherwise(pl.lit("低保")).alias("kind"))
    new = people.filter(~pl.col("dibao") & ~pl.col("tekun") & pl.col("type").is_in(["exited", "ordinary"])) \
        .sample(fraction=0.004, seed=seed + 1).select("id", "name", pl.lit("低保").alias("kind"))
    temporary = people.filter(pl.col("type") != "poor").sample(fraction=0.002, seed=seed + 2) \
        .select("id", "name", pl.lit("临时救助").alias("kind"))
    civil = pl.concat([known, new, temporary]).select(
        pl.col("id").alias("身份证号码"), pl.col("name").alias("姓名"), pl.col("kind").alias("救助类型"),
        pl.when(pl.col("kind") == "临时救助").then(pl.lit("3000")).otherwise(pl.lit("")).alias("金额"),
        pl.lit("2023-09-01").alias("日期"))
    paths["civil_affairs"] = out / "民政-低保特困临时救助名单.csv"
    civil.write_csv(paths["civil_affairs"], include_bom=True)

    # 公安: deaths among the oldest members, and moves out
    old = people.filter(pl.col("birth") < dt.date(1940, 1, 1)).sample(fraction=0.05, seed=seed + 3)
    moved = people.filter(pl.col("birth").is_between(dt.date(1990, 1, 1), dt.date(2000, 1, 1))) \
        .sample(fraction=0.003, seed=seed + 4)
    police = pl.concat([old.select("id", "name", pl.lit("死亡").alias("what")),
                        moved.select("id", "name", pl.lit("户籍迁出").alias("what"))]).select(
        pl.col("id").alias("身份证号码"), pl.col("name").alias("姓名"), pl.col("what").alias("事项"),
        pl.lit("2023-11-15").alias("日期"))
    paths["public_security"] = out / "公安-死亡与迁出.csv"
    police.write_csv(paths["public_security"], include_bom=True)

    # 车辆: registrations, a few of poor households (cars and tractors)
    owners = people.sample(fraction=0.01, seed=seed + 5).with_row_index("i")
    vehicles = owners.select(
        pl.col("id").alias("身份证号码"), pl.col("name").alias("姓名"),
        pl.format("赣F{}", (pl.col("i") * 7 + 10000).cast(pl.Utf8)).alias("号牌号码"),
        pl.when(pl.col("i") % 3 == 0).then(pl.lit("拖拉机")).otherwise(pl.lit("小型轿车")).alias("车辆类型"))
    paths["vehicles"] = out / "车辆登记.csv"
    vehicles.write_csv(paths["vehicles"], include_bom=True)

    paths["households"] = out / "户籍成员明细表-样例（含2处错误）.xlsx"
    with open(paths["households"], "wb") as handle:
        sample_workbook(handle, seed)
    return paths


def sample_workbook(out, seed: int) -> None:
    """Six new households of 湖坊乡 as a cadre would fill the template, with two mistakes in it (a
    spouse whose 性别 contradicts her ID, a child with both 文化程度 and 在校生状况)."""
    from fupin.exchange import template, workbooks

    ids = iter(_strangers(40, seed + 9))
    rows = []
    for n in range(6):
        base = {"户编号": f"36102220199{n:03d}", "行政区划代码": "361022201205", "村民小组": f"{n + 1}组",
                "户类型": "一般农户" if n % 2 else "监测户", "监测类型": "" if n % 2 else "边缘易致贫户",
                "收入年度": "2023", "工资性收入": str(18000 + 1000 * n), "生产经营性收入": "2400",
                "转移性收入": "600", "危房等级": "A", "饮水安全": "是", "卫生厕所": "是", "通生活用电": "是",
                "联系电话": f"1387000{n:04d}"}
        head, spouse, child = next(ids), next(ids), next(ids)
        rows.append({**base, "姓名": "黄建华", "证件号码": _with_sex(head, "1"), "与户主关系": "户主",
                     "文化程度": "初中", "健康状况": "健康", "劳动技能": "普通劳动力", "务工状况": "县外省内",
                     "务工时间": "10", "基本医疗保险": "是", "大病保险": "是"})
        rows.append({**base, "姓名": "王秀兰", "证件号码": _with_sex(spouse, "2"), "与户主关系": "配偶",
                     "性别": "男" if n == 2 else "女", "文化程度": "小学", "健康状况": "长期慢性病",
                     "劳动技能": "普通劳动力", "基本医疗保险": "是", "大病保险": "是"})
        rows.append({**base, "姓名": "黄小明", "证件号码": _with_sex(child, "1"), "与户主关系": "之子",
                     "在校生状况": "小学", "文化程度": "小学" if n == 4 else "", "健康状况": "健康",
                     "劳动技能": "无劳动力", "基本医疗保险": "是", "大病保险": "是"})
    table = pl.DataFrame([{c.header: row.get(c.header, "") for c in template.COLUMNS} for row in rows])
    workbooks.write_households(out, table, "xlsx")


def _with_sex(number: str, sex: str) -> str:
    """The same person's ID with the sex digit made odd (man) or even (woman)."""
    digit = int(number[16])
    if (digit % 2 == 1) != (sex == "1"):
        digit = (digit + 1) % 10
    first17 = number[:16] + str(digit)
    return first17 + idnumber.check_char(first17)


def run_matching(paths: dict[str, Path], county_code: str) -> list:
    """Match the sample lists (except vehicles: left for the visitor to upload)."""
    from fupin.exchange import actions

    runs = []
    for source in ("medical_insurance", "civil_affairs", "public_security"):
        path = paths[source]
        run = actions.create_match(actor=SYSTEM, source=source, name=path.name, data=path.read_bytes(),
                                   area_code=county_code, enqueue=False)
        runs.append(actions.execute_match(run))
    return runs
