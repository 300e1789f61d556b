"""The import and export pages: upload, progress, result, error workbook, blank template,
exports masked or full (logged, by role), village registers and household cards."""

from __future__ import annotations

import io

import fastexcel
import pytest
from django.urls import reverse

from fupin.core.models import AuditEvent, Job
from fupin.exchange import template
from fupin.exchange.models import ImportBatch
from fupin.registry.models import Household
from tests import factories
from tests.conftest import login
from tests.exchange import support

pytestmark = pytest.mark.django_db


@pytest.fixture
def immediate(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


def upload(client, data: bytes, name: str = "households.csv", capture=None, **options):
    file = io.BytesIO(data)
    file.name = name
    with capture(execute=True):
        return client.post(reverse("exchange:import_upload"), {"file": file, **options})


def test_a_township_cadre_uploads_a_clean_file_and_sees_what_was_imported(
        client, users, immediate, django_capture_on_commit_callbacks):
    login(client, users["township"])
    page = client.get(reverse("exchange:index")).content.decode()
    assert 'data-testid="import-form"' in page and "下载空白模板" in page
    rows = support.workbook_rows(3, members=2)
    response = upload(client, support.to_csv(rows), capture=django_capture_on_commit_callbacks)
    batch = ImportBatch.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("exchange:import_detail", args=[batch.pk])
    assert batch.status == "imported" and batch.division_code == factories.HUFANG
    assert batch.counts["members_written"] == 6 and batch.created_by == users["township"]
    assert Job.objects.get(pk=batch.job_id).status == "done"
    page = client.get(response["Location"]).content.decode()
    assert "已导入 3 户 6 人。" in page
    assert Household.objects.count() == 3
    # the batch is listed on the page
    assert batch.file_name in client.get(reverse("exchange:index")).content.decode()


def test_a_file_with_errors_shows_them_and_offers_the_error_workbook(
        client, users, immediate, django_capture_on_commit_callbacks):
    login(client, users["township"])
    rows = support.workbook_rows(2)
    rows[1]["与户主关系"] = "户主"
    rows[2]["健康状况"] = "残疾"
    upload(client, support.to_xlsx(rows), "bad.xlsx", capture=django_capture_on_commit_callbacks)
    batch = ImportBatch.objects.get()
    assert batch.status == "rejected" and batch.problem_count == 3
    assert Household.objects.count() == 0
    page = client.get(reverse("exchange:import_detail", args=[batch.pk])).content.decode()
    assert "文件有 3 处错误，没有导入任何数据" in page
    assert "每户须有且仅有一名户主（本户有 2 名）" in page and "健康状况为残疾时须填写残疾类别" in page
    response = client.get(reverse("exchange:import_report", args=[batch.pk]))
    assert response.status_code == 200
    reader = fastexcel.read_excel(b"".join(response.streaming_content))
    rows_sheet = reader.load_sheet("错误行", dtypes="string").to_polars()
    assert rows_sheet.get_column("行号").to_list() == ["2", "4"]
    assert "残疾类别：健康状况为残疾时须填写残疾类别" in rows_sheet.get_column("错误说明").to_list()[1]
    # another township cannot see it
    login(client, users["other_township"])
    assert client.get(reverse("exchange:import_detail", args=[batch.pk])).status_code == 404
    assert client.get(reverse("exchange:import_report", args=[batch.pk])).status_code == 404


def test_a_file_that_is_not_a_workbook_is_rejected_clearly(client, users, immediate,
                                                           django_capture_on_commit_callbacks):
    login(client, users["county"])
    upload(client, b"\x00\x01\x02 binary", "photo.csv", capture=django_capture_on_commit_callbacks)
    batch = ImportBatch.objects.get()
    page = client.get(reverse("exchange:import_detail", args=[batch.pk])).content.decode()
    assert "文件无法导入，没有写入任何数据：文件不是工作簿或 CSV 文本" in page


def test_wrong_uploads_are_refused_before_any_job(client, users):
    login(client, users["county"])
    file = io.BytesIO(b"x")
    file.name = "notes.docx"
    response = client.post(reverse("exchange:import_upload"), {"file": file})
    assert response.status_code == 400 and "请上传 xlsx 工作簿或 CSV 文件" in response.content.decode()
    response = client.post(reverse("exchange:import_upload"), {})
    assert response.status_code == 400
    assert not ImportBatch.objects.exists() and not Job.objects.exists()


def test_the_progress_bar_polls_until_the_import_is_done(client, users):
    from fupin.exchange import actions

    login(client, users["county"])
    batch = actions.create_import(actor=users["county"], name="a.csv", data=support.to_csv(support.workbook_rows(1)),
                                  enqueue=False)
    url = reverse("exchange:import_progress", args=[batch.pk])
    page = client.get(reverse("exchange:import_detail", args=[batch.pk])).content.decode()
    assert f'hx-get="{url}"' in page
    assert client.get(url).status_code == 200
    actions.execute_import(batch)
    response = client.get(url)
    assert response.status_code == 204 and response["HX-Refresh"] == "true"


def test_roles_without_import_rights_cannot_upload(client, users):
    for role in ("helper", "dept", "auditor"):
        login(client, users[role])
        assert client.post(reverse("exchange:import_upload"), {}).status_code == 403
        assert client.get(reverse("exchange:blank_template")).status_code == 403


def test_the_blank_template_has_every_column_drop_downs_and_notes(client, users):
    login(client, users["village"])
    response = client.get(reverse("exchange:blank_template"))
    assert response.status_code == 200
    data = response.content
    reader = fastexcel.read_excel(data)
    assert reader.sheet_names == ["成员明细", "代码表", "填写说明"]
    headers = reader.load_sheet("成员明细", header_row=None, dtypes="string").to_polars().row(0)
    assert list(headers) == [c.header for c in template.COLUMNS]
    lists = reader.load_sheet("代码表", dtypes="string").to_polars()
    assert lists.get_column("户类型").drop_nulls().to_list() == ["贫困户", "脱贫户", "监测户", "一般农户"]
    import zipfile

    sheet = zipfile.ZipFile(io.BytesIO(data)).read("xl/worksheets/sheet1.xml").decode()
    assert "<dataValidation" in sheet
    # an empty template imports as "no rows", not as an error about columns
    from fupin.exchange import importer

    result = importer.import_households("template.xlsx", data)
    assert result.rows == 0 and result.ok


def test_export_is_masked_unless_the_role_allows_full_and_every_export_is_logged(client, users):
    factories.make_household(factories.JIANYUAN, phone="13812345678")
    url = reverse("exchange:export_households")
    login(client, users["township"])
    response = client.get(url, {"area": factories.HUFANG, "file_format": "csv", "full": "on"})
    text = response.content.decode("utf-8-sig")
    assert response.status_code == 200 and "138****5678" in text and "13812345678" not in text
    assert AuditEvent.objects.filter(verb="export.masked", actor=users["township"]).count() == 1
    assert 'name="full"' not in client.get(reverse("exchange:index")).content.decode()
    login(client, users["county"])
    response = client.get(url, {"area": factories.COUNTY, "file_format": "xlsx", "full": "on"})
    frame = fastexcel.read_excel(response.content).load_sheet(0, dtypes="string").to_polars()
    assert frame.get_column("联系电话").to_list() == ["13812345678"]
    event = AuditEvent.objects.get(verb="export.full")
    assert event.actor == users["county"] and event.after["rows"] == 1 and event.after["area"] == factories.COUNTY
    # an area outside the user's is not offered
    login(client, users["township"])
    assert client.get(url, {"area": factories.TANXI, "file_format": "csv"}).status_code == 400


def test_village_registers_and_household_cards_download_as_xlsx(client, users):
    home = factories.make_household(factories.JIANYUAN, phone="13812345678")
    login(client, users["township"])
    response = client.get(reverse("exchange:export_villages"), {"area": factories.HUFANG})
    frame = fastexcel.read_excel(response.content).load_sheet("村册", dtypes="string").to_polars()
    assert factories.JIANYUAN in frame.get_column("区划代码").to_list()
    assert all(code.startswith(factories.HUFANG) for code in frame.get_column("区划代码").to_list())
    assert client.get(reverse("exchange:export_villages"), {"area": factories.TANXI}).status_code == 404
    card = client.get(reverse("registry:household_detail", args=[home.pk])).content.decode()
    url = reverse("exchange:export_card", args=[home.pk])
    assert url in card
    response = client.get(url)
    sheet = fastexcel.read_excel(response.content).load_sheet("户卡", header_row=None, dtypes="string").to_polars()
    cells = {v for row in sheet.rows() for v in row if v}
    assert "138****5678" in cells and home.household_code in " ".join(cells)
    assert client.get(url, {"full": "1"}).status_code == 403  # a township cadre has no full export
    login(client, users["county"])
    response = client.get(url, {"full": "1"})
    sheet = fastexcel.read_excel(response.content).load_sheet("户卡", header_row=None, dtypes="string").to_polars()
    assert "13812345678" in {v for row in sheet.rows() for v in row if v}
    assert AuditEvent.objects.filter(verb="export.full", object_type="exchange.card").count() == 1
    login(client, users["other_township"])
    assert client.get(reverse("exchange:export_card", args=[home.pk])).status_code == 404
