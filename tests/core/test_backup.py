"""`fupin backup` and `fupin restore` on the engine in use (SQLite, or PostgreSQL when DATABASE_URL
says so): a round trip compares every table's row count, households and audit events field by field,
and the files' bytes; a damaged or foreign archive is refused and changes nothing.

The restore goes into the test database itself; it holds what the backup took, with the same schema
and the audit triggers, and the transactional test's flush empties it afterwards as usual."""

from __future__ import annotations

import io
import json
import stat
import tarfile
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection
from django.utils import translation

from fupin.core import backup
from fupin.core.actions import SYSTEM
from fupin.core.models import AuditEvent
from fupin.registry import actions as registry_actions
from fupin.registry.models import Household
from tests import factories

pytestmark = pytest.mark.django_db(transaction=True)

FILES = {
    "imports/2023/户籍成员明细表.csv": "户编号,姓名,证件号码\n1,黄建国,3610221975***\n".encode(),
    "visits/2023/05/photo.jpg": bytes(range(256)) * 64,
    "cases/12/signed.pdf": b"%PDF-1.4\n%test\n" * 10,
    "matches/reports/unmatched.xlsx": b"PK\x03\x04" + b"\x00" * 300,
    "top-level.txt": b"a file at the top of MEDIA_ROOT\n",
}


@pytest.fixture
def installation(settings, tmp_path, monkeypatch):
    """A VAR_DIR of its own with a secret key file and a MEDIA_ROOT holding a few files."""
    monkeypatch.delenv("FUPIN_SECRET_KEY", raising=False)
    var = tmp_path / "var"
    media = var / "media"
    media.mkdir(parents=True)
    settings.VAR_DIR = var
    settings.MEDIA_ROOT = media
    (var / "secret_key").write_text("the-installation-secret-key")
    for name, data in FILES.items():
        path = media / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    return tmp_path


@pytest.fixture
def data(users, rules):
    """Households with members through the actions (each writes audit events)."""
    households = [
        factories.make_household(members=[factories.person("spouse", sex="2")], farmland_area=Decimal("3.50")),
        factories.make_household(factories.HUFANG_VILLAGE, household_type="monitored"),
        factories.make_household(factories.TANXI_VILLAGE, household_type="exited", phone="13800000000"),
    ]
    return households


def state(media: Path) -> dict:
    return {
        "counts": backup.live_counts(connection),
        "households": list(Household.objects.order_by("pk").values()),
        "events": list(AuditEvent.objects.order_by("pk").values()),
        "files": {p.relative_to(media).as_posix(): p.read_bytes() for p in backup.media_files(media)},
    }


def run(command: str, *args, **options) -> str:
    out = io.StringIO()
    call_command(command, *args, stdout=out, **options)
    return out.getvalue()


def change_everything(settings, households) -> None:
    """After the backup: new rows, changed rows, files deleted, changed and added, another key."""
    media = Path(settings.MEDIA_ROOT)
    factories.make_household(factories.JIANYUAN, household_type="ordinary")
    registry_actions.update_household(actor=SYSTEM, household=households[0],
                                      changes={"farmland_area": Decimal("9.25"), "phone": "13900000000"})
    (media / "cases/12/signed.pdf").unlink()
    (media / "visits/2023/05/photo.jpg").write_bytes(b"another photo")
    (media / "imports/2024").mkdir(parents=True)
    (media / "imports/2024/new.csv").write_bytes(b"new\n")
    (Path(settings.VAR_DIR) / "secret_key").write_text("a-new-key")


def test_round_trip(installation, data, settings):
    media = Path(settings.MEDIA_ROOT)
    archive = installation / "backups" / "fupin.tar.gz"
    before = state(media)
    assert before["counts"]["registry_household"] == 3 and len(before["events"]) > 3

    out = run("backup", str(archive))
    assert "密钥：已包含" in out and f"媒体文件：{len(FILES)} 个" in out
    assert stat.S_IMODE(archive.stat().st_mode) == 0o600  # personal data and the key: the owner only
    with tarfile.open(archive) as tar:
        names = tar.getnames()
        manifest = json.load(tar.extractfile("manifest.json"))
    assert names[-1] == "manifest.json"
    assert set(manifest["files"]) == set(names) - {"manifest.json"}
    assert {f"media/{n}" for n in FILES} | {backup.DB_MEMBERS[connection.vendor], backup.SECRET_MEMBER} == set(
        manifest["files"])
    assert manifest["database"]["vendor"] == connection.vendor
    assert manifest["database"]["tables"] == before["counts"]
    assert manifest["database"]["migrations"]["core"].startswith("00")
    assert manifest["fupin_version"] and manifest["created_at"] and manifest["format_version"] == 1

    change_everything(settings, data)
    changed = state(media)
    assert changed["counts"] != before["counts"] and changed["files"] != before["files"]

    # an installation holding data is only replaced with --force
    with pytest.raises(CommandError, match=r"不是空的.*--force"):
        run("restore", str(archive))
    assert state(media) == changed

    out = run("restore", str(archive), force=True)
    assert "行数与清单一致" in out and "审计触发器：已就位" in out
    after = state(media)
    assert after["counts"] == before["counts"]  # every table
    assert after["households"] == before["households"]  # field by field
    assert after["events"] == before["events"]
    assert after["files"] == before["files"]  # the bytes; the file added later is gone
    assert (Path(settings.VAR_DIR) / "secret_key").read_text() == "the-installation-secret-key"
    assert not [p for p in media.iterdir() if p.name.startswith(".fupin-")]  # no staging left behind

    # the audit table is append-only again after the restore
    assert len(backup.audit_triggers(connection)) == (1 if connection.vendor == "postgresql" else 2)
    with pytest.raises(DatabaseError):
        AuditEvent.objects.filter(pk=after["events"][0]["id"]).update(summary="rewritten")
    connection.close()  # PostgreSQL: leave no failed statement behind
    with pytest.raises(DatabaseError):
        AuditEvent.objects.filter(pk=after["events"][0]["id"]).delete()
    connection.close()

    # the restored database works as before: a new household gets the next code and its events
    factories.make_household(factories.JIANYUAN)
    assert Household.objects.count() == 4


def rewrite(archive: Path, target: Path, change) -> Path:
    """A copy of ``archive`` with its members passed through ``change(name, data) -> data``."""
    with tarfile.open(archive) as tar:
        members = [(m, tar.extractfile(m).read() if m.isfile() else None) for m in tar.getmembers()]
    with tarfile.open(target, "w:gz") as tar:
        for member, data in members:
            data = change(member.name, data)
            member.size = len(data)
            tar.addfile(member, io.BytesIO(data))
    return target


def manifest_change(edit):
    def change(name, data):
        if name != "manifest.json":
            return data
        manifest = json.loads(data)
        edit(manifest)
        return json.dumps(manifest).encode()
    return change


def test_a_damaged_or_foreign_archive_is_refused_and_nothing_changes(installation, data, settings):
    media = Path(settings.MEDIA_ROOT)
    archive = installation / "fupin.tar.gz"
    run("backup", str(archive))
    with pytest.raises(CommandError, match="已存在"):
        run("backup", str(archive))  # never overwritten without --force
    change_everything(settings, data)
    changed = state(media)
    key = (Path(settings.VAR_DIR) / "secret_key").read_text()

    damaged = installation / "damaged.tar.gz"
    raw = bytearray(archive.read_bytes())
    middle = len(raw) // 2
    raw[middle:middle + 64] = bytes(b ^ 0xFF for b in raw[middle:middle + 64])
    damaged.write_bytes(bytes(raw))
    truncated = installation / "truncated.tar.gz"
    truncated.write_bytes(archive.read_bytes()[: len(raw) // 3])
    photo = "media/visits/2023/05/photo.jpg"
    tampered = rewrite(archive, installation / "tampered.tar.gz",
                       lambda name, data: data[:-1] + b"!" if name == photo else data)
    extra = rewrite(archive, installation / "extra.tar.gz",
                    manifest_change(lambda m: m["files"].pop("media/top-level.txt")))
    foreign = rewrite(archive, installation / "foreign.tar.gz",
                      manifest_change(lambda m: m["database"].update(
                          vendor="sqlite" if connection.vendor == "postgresql" else "postgresql")))
    newer = rewrite(archive, installation / "newer.tar.gz", manifest_change(
        lambda m: m["database"]["applied_migrations"].append(["core", "9999_from_the_future"])))
    not_fupin = installation / "other.tar.gz"
    with tarfile.open(not_fupin, "w:gz") as tar:
        info = tarfile.TarInfo("etc/passwd")
        info.size = 4
        tar.addfile(info, io.BytesIO(b"root"))

    cases = [
        (damaged, r"无法读取归档|校验和|不是 fupin 备份|不安全|意外"),
        (truncated, r"无法读取归档"),
        (tampered, rf"校验和不符：{photo}"),
        (extra, r"不在清单中：media/top-level.txt"),
        (foreign, r"归档中是 \w+ 数据库，而本安装使用"),
        (newer, r"更新版本的代码.*core.9999_from_the_future"),
        (not_fupin, r"意外的文件 'etc/passwd'"),
    ]
    for path, message in cases:
        with pytest.raises(CommandError, match=message) as refused:
            run("restore", str(path), force=True)
        assert "未做任何改动" in str(refused.value), path.name
        assert state(media) == changed, path.name
        assert (Path(settings.VAR_DIR) / "secret_key").read_text() == key
        assert not [p for p in media.iterdir() if p.name.startswith(".fupin-")], path.name


def test_restore_into_an_empty_installation(installation, data, settings):
    """A new machine: nothing in the database but the schema, no files: no --force needed."""
    media = Path(settings.MEDIA_ROOT)
    archive = installation / "fupin.tar"  # uncompressed
    before = state(media)
    run("backup", str(archive), verbosity=0)
    call_command("flush", interactive=False, verbosity=0)
    for path in backup.media_files(media):
        path.unlink()
    assert backup.holds_data(connection) == []
    out = run("restore", str(archive), verbosity=2)
    assert "registry_household" in out  # -v2 lists every table's count
    assert state(media) == before


def test_backup_and_restore_speak_english_when_asked(installation, data, settings):
    """Chinese by default (above); FUPIN_LANGUAGE=en gives the English catalogue's lines and refusals."""
    archive = installation / "fupin.tar"
    with translation.override("en"):
        out = run("backup", str(archive))
        with pytest.raises(CommandError, match=r"this installation is not empty \(.*users.*\).*--force") as refused:
            run("restore", str(archive))
        restored = run("restore", str(archive), force=True)
    assert "database: dumping the" in out and "secret key: included" in out and f"media: {len(FILES)} files" in out
    assert "nothing was changed" in str(refused.value)
    assert "row counts match the manifest" in restored and "audit triggers: in place" in restored
    assert "secret key: unchanged (the same key)" in restored
    for text in (out, restored, str(refused.value)):
        assert not [mark for mark in ("：", "（", "，", "、", "数据库", "归档", "密钥") if mark in text], text
