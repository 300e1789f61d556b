"""The survey workbook: downloaded with the sampled households, filled in, loaded back; a broken file
gets a per-cell report (the household import's shape) and writes nothing."""

import datetime as dt
import io

import fastexcel
import pytest
import xlsxwriter

from fupin.assessment import workbook
from fupin.assessment.models import Frame, SampleItem, Survey, SurveyUpload
from fupin.core.models import AuditEvent
from tests.assessment.support import answer, county, draw
from tests.conftest import login
from tests.factories import HUFANG

pytestmark = pytest.mark.django_db
TODAY = dt.date.today().isoformat()


def download(user, sample) -> list[dict]:
    out = io.BytesIO()
    workbook.write(out, user, sample)
    sheet = fastexcel.read_excel(out.getvalue()).load_sheet(workbook.SHEET_NAME, dtypes="string")
    return sheet.to_polars().to_dicts()


def xlsx(rows: list[dict]) -> bytes:
    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"strings_to_numbers": False})
    sheet = book.add_worksheet(workbook.SHEET_NAME)
    headers = list(rows[0])
    sheet.write_row(0, 0, headers)
    for r, row in enumerate(rows, start=1):
        for c, h in enumerate(headers):
            sheet.write_string(r, c, row[h] or "")
    book.close()
    return out.getvalue()


def fill(row: dict, **answers) -> dict:
    defaults = {"是否认可帮扶工作": "是", "调查人": "王调查", "调查日期": TODAY}
    if row["抽样类别"] == "脱贫户":
        defaults["是否错退"] = "否"
    if row["抽样类别"] == "非建档立卡农户":
        defaults["是否漏评"] = "否"
    return {**row, **defaults, **answers}


@pytest.fixture
def sample(users):
    county()
    return draw(users["county"])


def test_the_workbook_lists_the_households_the_user_may_see(users, sample):
    rows = download(users["county"], sample)
    assert len(rows) == SampleItem.objects.filter(sample=sample).count() == 16
    first = SampleItem.objects.filter(sample=sample).order_by("order").select_related("household").first()
    assert rows[0]["样本号"] == "1" and rows[0]["户编号"] == first.household.household_code
    assert rows[0]["乡镇"] == {"361022200": "潭溪乡", "361022201": "湖坊乡"}[first.division_code[:9]]
    assert rows[0]["户主"] == "黄建国"
    assert list(rows[0]) == [c.header for c in workbook.COLUMNS]
    assert {r["乡镇"] for r in download(users["township"], sample)} == {"湖坊乡"}


def test_round_trip(users, sample):
    rows = download(users["township"], sample)
    filled = []
    first_order, second_order = rows[0]["样本号"], rows[1]["样本号"]  # both exited households
    for row in rows:
        if row["样本号"] == first_order:
            filled.append(fill(row, 是否错退="是", 情况说明="务工收入中断"))
        elif row["样本号"] == second_order:
            filled.append(row)  # not surveyed yet: left blank
        else:
            filled.append(fill(row))
    loaded = workbook.load(actor=users["township"], sample=sample, name="调查表.xlsx", data=xlsx(filled))
    assert loaded.problems.height == 0
    assert loaded.upload.changed == len(rows) - 1 == Survey.objects.count()
    first = Survey.objects.get(item__order=first_order)
    assert first.wrongly_exited is True and first.note == "务工收入中断" and first.surveyor == "王调查"
    assert first.recorded_by == users["township"]
    assert not Survey.objects.filter(item__order=second_order).exists()
    # downloaded again, the answers are there; loaded again unchanged, nothing is written
    again = download(users["township"], sample)
    assert again[0]["是否错退"] == "是" and again[0]["调查日期"] == TODAY
    events = AuditEvent.objects.filter(verb="assessment.survey").count()
    second = workbook.load(actor=users["township"], sample=sample, name="调查表.xlsx", data=xlsx(again))
    assert second.problems.height == 0 and second.upload.changed == 0
    assert AuditEvent.objects.filter(verb="assessment.survey").count() == events


def test_a_broken_workbook_is_reported_cell_by_cell_and_nothing_is_written(users, sample):
    rows = download(users["county"], sample)
    exited = next(r for r in rows if r["抽样类别"] == "脱贫户")
    other = next(r for r in rows if r["抽样类别"] == "非建档立卡农户")
    registered = next(r for r in rows if r["抽样类别"] == "在册贫困户")
    broken = [fill(r) for r in rows]
    by_order = {r["样本号"]: r for r in broken}
    by_order[exited["样本号"]].update({"是否错退": "可能", "调查日期": "去年"})
    by_order[other["样本号"]].update({"是否漏评": ""})
    by_order[registered["样本号"]].update({"户编号": "36102299999999999"})
    broken.append(dict(by_order[exited["样本号"]], **{"是否错退": "否", "调查日期": TODAY}))  # the same number twice
    loaded = workbook.load(actor=users["county"], sample=sample, name="坏的.xlsx", data=xlsx(broken))
    problems = {(r["column"], r["message"].split("（")[0]) for r in loaded.problems.to_dicts()}
    assert ("是否错退", "应填“是”或“否”") in problems
    assert ("调查日期", "调查日期无法识别") in problems
    assert ("是否漏评", "非建档立卡农户须回答是否漏评") in problems
    assert ("户编号", "户编号与样本号不符") in problems
    assert any(c == "样本号" and m.startswith("样本号与第") for c, m in problems)
    assert not Survey.objects.exists()
    upload = SurveyUpload.objects.get()
    assert upload.problem_count == loaded.problems.height and upload.changed == 0
    # the report: the bad rows with their cells marked, and the list of problems
    report = fastexcel.read_excel(upload.report.read())
    assert report.sheet_names == ["错误行", "错误清单"]
    listed = report.load_sheet("错误清单", dtypes="string").to_polars()
    assert listed.height == loaded.problems.height
    bad_rows = report.load_sheet("错误行", dtypes="string").to_polars()
    assert "错误说明" in bad_rows.columns and "是否错退" in bad_rows.columns


@pytest.mark.parametrize(("name", "data", "message"), [
    ("空.xlsx", b"", "文件是空的"),
    ("乱码.xlsx", b"PK\x03\x04not a zip at all", "无法读取工作簿"),
    ("无表头.csv", "姓名,电话\n张三,1\n".encode(), "须包含“样本号”列"),
])
def test_a_file_that_cannot_be_read_says_why(users, sample, name, data, message):
    loaded = workbook.load(actor=users["county"], sample=sample, name=name, data=data)
    assert message in loaded.problems.item(0, "message")
    assert not Survey.objects.exists()


def test_csv_in_gb18030_is_read(users, sample):
    rows = [fill(r) for r in download(users["township"], sample)]
    text = ",".join(rows[0]) + "\n" + "\n".join(",".join(r.values()) for r in rows)
    loaded = workbook.load(actor=users["township"], sample=sample, name="调查表.csv", data=text.encode("gb18030"))
    assert loaded.problems.height == 0 and Survey.objects.count() == len(rows)


def test_a_township_cannot_load_another_townships_households(users, sample):
    rows = [fill(r) for r in download(users["county"], sample)]
    loaded = workbook.load(actor=users["township"], sample=sample, name="全县.xlsx", data=xlsx(rows))
    assert loaded.problems.height == len([r for r in rows if r["乡镇"] != "湖坊乡"])
    assert set(loaded.problems.get_column("column")) == {"样本号"}
    assert not Survey.objects.exists()


def test_the_upload_page(client, users, sample):
    login(client, users["township"])
    rows = download(users["township"], sample)
    good = xlsx([fill(r) for r in rows])
    response = client.post(f"/assessment/samples/{sample.pk}/upload/",
                           {"file": _file("调查表.xlsx", good)})
    assert response.status_code == 302 and Survey.objects.count() == len(rows)
    bad = xlsx([fill(r, 是否认可帮扶工作="不知道") for r in rows])
    page = client.post(f"/assessment/samples/{sample.pk}/upload/", {"file": _file("坏.xlsx", bad)})
    text = page.content.decode()
    assert page.status_code == 200 and "整个文件都没有导入" in text and "不知道" in text
    upload = SurveyUpload.objects.filter(problem_count__gt=0).get()
    report = client.get(f"/assessment/uploads/{upload.pk}/report.xlsx")
    assert report.status_code == 200 and report["Content-Disposition"].startswith("attachment")
    download_page = client.get(f"/assessment/samples/{sample.pk}/workbook.xlsx")
    assert download_page.status_code == 200 and "filename*=UTF-8''" in download_page["Content-Disposition"]
    login(client, users["other_township"])
    assert client.get(f"/assessment/uploads/{upload.pk}/report.xlsx").status_code == 404


def test_answers_already_recorded_are_in_the_download(users, sample):
    item = SampleItem.objects.filter(sample=sample, frame=Frame.EXITED, division_code__startswith=HUFANG).first()
    answer(item, wrong=True)
    row = next(r for r in download(users["county"], sample) if r["样本号"] == str(item.order))
    assert row["是否错退"] == "是" and row["是否认可帮扶工作"] == "是" and row["调查人"] == "王调查"


def _file(name, data):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, data)


def test_every_problem_of_a_row_is_reported_at_once(users, sample):
    rows = download(users["county"], sample)
    other = next(r for r in rows if r["抽样类别"] == "非建档立卡农户")
    broken = [fill(other, 是否错退="否", 调查日期="某天", 是否漏评="")]  # three problems in one row
    loaded = workbook.load(actor=users["county"], sample=sample, name="坏.xlsx", data=xlsx(broken))
    assert {r["column"] for r in loaded.problems.to_dicts()} == {"是否错退", "调查日期", "是否漏评"}
    approval_word = [fill(r, 是否认可帮扶工作="认可") for r in rows]
    assert workbook.load(actor=users["county"], sample=sample, name="好.xlsx", data=xlsx(approval_word)).problems.height == 0
    exited = next(r for r in rows if r["抽样类别"] == "脱贫户")
    wrong_word = [fill(exited, 是否错退="认可")]  # 认可 answers the approval question only
    loaded = workbook.load(actor=users["county"], sample=sample, name="坏.xlsx", data=xlsx(wrong_word))
    assert ("是否错退", "应填“是”或“否”") in {(r["column"], r["message"]) for r in loaded.problems.to_dicts()}
