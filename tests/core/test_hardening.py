"""Hardening: upload limits per kind, security headers and no-store, the security log, safe redirects,
400 for malformed parameters, departments see their own domain's totals, uploaded files owner-only and
purged after the county's retention period."""

from __future__ import annotations

import datetime as dt
import io
import logging
import os
import stat
import struct
import zipfile
import zlib

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from fupin.core import uploads
from fupin.core.actions import SYSTEM
from fupin.core.models import AuditEvent
from fupin.exchange import actions as exchange
from fupin.exchange.models import ImportBatch
from tests.conftest import login
from tests.exchange.support import household_rows, to_csv
from tests.factories import COUNTY, make_household

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def zip_bomb(expanded_mb: int) -> bytes:
    """An xlsx-looking zip of about 1 MB or less that expands to ``expanded_mb`` MB."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"0" * (expanded_mb * 1024 * 1024))
    return out.getvalue()


def png_header(width: int, height: int) -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(b"\x00" * 10)) + chunk(b"IEND", b""))


def test_an_xlsx_that_would_expand_a_thousandfold_is_refused_before_it_is_read(users):
    bomb = zip_bomb(300)
    assert len(bomb) < 1024 * 1024
    with pytest.raises(ValidationError, match="解压后过大"):
        uploads.check_workbook("户表.xlsx", bomb)
    with pytest.raises(ValidationError, match="解压后过大"):
        exchange.create_import(actor=users["county"], name="户表.xlsx", data=bomb, enqueue=False)
    assert not ImportBatch.objects.exists()
    uploads.check_workbook("户表.xlsx", zip_bomb(5))  # an ordinary workbook's ratio is fine


def test_an_image_too_large_in_pixels_is_refused_from_its_header(settings):
    huge = png_header(30000, 30000)
    assert len(huge) < 200
    with pytest.raises(ValidationError, match="图片过大"):
        uploads.check_image(huge)
    uploads.check_image(png_header(4000, 3000))  # 12 megapixels: a phone photo


def test_a_visit_photo_too_large_in_pixels_is_refused(users):
    from fupin.assistance import actions as assistance
    from fupin.registry import actions as registry

    home = make_household()
    registry.assign_helper(actor=SYSTEM, household=home, helper=users["helper"])
    with pytest.raises(ValidationError, match="图片过大"):
        assistance.record_visit(actor=users["helper"], household=home, visited_on=dt.date.today(), notes="走访",
                                photos=[("大图.png", png_header(30000, 30000))])


def test_pages_carry_a_strict_policy_and_are_not_stored(client, users):
    login(client, users["village"])
    home = make_household()
    page = client.get(f"/households/{home.pk}/")
    policy = page["Content-Security-Policy"]
    script = next(p for p in policy.split("; ") if p.startswith("script-src"))
    assert script == "script-src 'self'" and "frame-ancestors 'none'" in policy
    assert page["Cache-Control"] == "no-store, private"
    export = client.get("/exchange/export/households/?area=361022201205&file_format=csv")
    assert export.status_code == 200 and export["Cache-Control"] == "no-store, private"


def test_refusals_and_failed_logins_are_in_the_security_log(client, users, caplog):
    caplog.set_level(logging.INFO, logger="fupin.security")
    client.post("/accounts/login/", {"username": "village", "password": "wrong"}, REMOTE_ADDR="10.2.3.4")
    assert any("event=login_failed" in r.message and "ip=10.2.3.4" in r.message and "username=village" in r.message
               for r in caplog.records)
    login(client, users["village"])
    client.get("/exchange/national/", REMOTE_ADDR="10.2.3.5")
    assert any("event=access_denied" in r.message and "ip=10.2.3.5" in r.message and "user=village" in r.message
               for r in caplog.records)


def test_next_goes_only_to_this_site(client, users):
    from fupin.programmes import actions as programmes

    login(client, users["county"])
    member = make_household().members.get()
    work = programmes.record_employment(actor=SYSTEM, member=member, employer="茶厂", place="黎川",
                                        started_on=dt.date(2023, 6, 1), monthly_wage=3000)
    for target in ("//evil.example/x", "https://evil.example/x", "javascript:alert(1)"):
        response = client.post(f"/programmes/employment/{work.pk}/end/", {"ended_on": "2023-09-01", "next": target})
        assert response.status_code == 302 and response["Location"] == "/programmes/employment/"


@pytest.mark.parametrize("url", [
    "/households/?area=abc", "/households/?q=%00x", "/workflows/cases/new/?household=abc",
    "/households/{home}/?as_of=2024-13-45", "/insights/?year=20x4", "/targeting/scale/?area=36102",
])
def test_malformed_parameters_are_400_not_500(client, users, url):
    login(client, users["county"])
    home = make_household()
    assert client.get(url.format(home=home.pk)).status_code == 400


def test_a_department_sees_its_own_domain_not_the_county_funds(client, users):
    login(client, users["dept"])
    assert client.get("/insights/?part=funds").status_code == 403
    page = client.get("/insights/").content.decode()
    assert "part=funds" not in page
    report = client.get("/insights/report/").content.decode()
    assert 'data-testid="report-funds"' not in report
    login(client, users["finance"])
    assert client.get("/insights/?part=funds").status_code == 200


def test_uploaded_files_are_owner_only_and_purged_after_the_retention_period(users, settings):
    county = users["county"]
    batch = exchange.create_import(actor=county, name="户表.csv", data=to_csv(household_rows()), enqueue=False)
    mode = stat.S_IMODE(os.stat(batch.file.path).st_mode)
    assert mode == 0o600
    exchange.set_retention_days(actor=county, county_code=COUNTY, days=30)
    assert exchange.purge_files(actor=SYSTEM, county_code=COUNTY) == 0  # still within 30 days
    later = timezone.now() + dt.timedelta(days=31)
    path = batch.file.path
    assert exchange.purge_files(actor=SYSTEM, county_code=COUNTY, now=later) == 1
    batch.refresh_from_db()
    assert not batch.file and not os.path.exists(path)
    assert AuditEvent.objects.filter(verb="retention.purge").exists()
    with pytest.raises(ValidationError):
        exchange.set_retention_days(actor=county, county_code=COUNTY, days=1)


def test_a_job_left_running_by_a_stopped_worker_is_marked_failed_when_the_worker_starts(users, monkeypatch):
    from django.core.management import call_command

    from fupin.core import jobs
    from fupin.core.management.commands import worker
    from fupin.core.models import Job

    stopped = jobs.create(kind="import", title="导入（进程被终止）", actor=users["county"], division_code=COUNTY)
    Job.objects.filter(pk=stopped.pk).update(status=Job.Status.RUNNING, progress=40)
    finished = jobs.create(kind="import", title="导入（已完成）", actor=users["county"], division_code=COUNTY)
    Job.objects.filter(pk=finished.pk).update(status=Job.Status.DONE, progress=100)
    waiting = jobs.create(kind="import", title="导入（排队）", actor=users["county"], division_code=COUNTY)
    started = []  # django-tasks' worker loop itself is not run here (it closes the test's connection)
    monkeypatch.setattr(worker, "call_command", lambda *args, **kwargs: started.append((args, kwargs)))
    call_command("worker", interval=0.5)
    assert started == [(("db_worker",), {"interval": 0.5, "queue_name": "*", "batch": False, "startup_delay": True})]
    stopped.refresh_from_db()
    assert stopped.status == Job.Status.FAILED and stopped.finished_at is not None
    assert "请重新提交" in stopped.error
    assert Job.objects.get(pk=finished.pk).status == Job.Status.DONE
    assert Job.objects.get(pk=waiting.pk).status == Job.Status.QUEUED  # only what was running
    assert jobs.recover_interrupted() == 0
