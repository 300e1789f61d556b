"""Backup and restore of a whole installation in one archive (`fupin backup`, `fupin restore`).

The archive is a tar file (gzip-compressed unless its name ends in ``.tar``) holding:

- ``database/fupin.sqlite3`` (SQLite: a consistent copy made with the sqlite3 backup API) or
  ``database/fupin.pgdump`` (PostgreSQL: ``pg_dump -Fc`` of the configured database);
- ``media/...``: every uploaded file under MEDIA_ROOT (imports, department lists, documents, visit
  photos, reports...);
- ``config/secret_key``: the installation's secret key file, when it uses one (VAR_DIR/secret_key,
  i.e. FUPIN_SECRET_KEY is not set); settings kept in the database (core Setting rows) travel in the
  database dump;
- ``manifest.json`` (last): format version, fupin version, creation time, database vendor, migration
  state (latest applied migration per app, and the full list), the row count of every table, and the
  size and SHA-256 of every other file of the archive.

The row counts and the dump are one snapshot: SQLite counts the copy; PostgreSQL counts inside the
transaction whose exported snapshot pg_dump uses.

Restoring first unpacks the archive into a staging directory and checks every checksum (a damaged
archive is refused before anything is touched), then refuses a dump of another vendor, a dump
made by newer code (a migration this code does not know), and, without ``force``, a database or a
media directory that already holds data. Then it replaces the database (PostgreSQL: ``pg_restore
--clean --if-exists --no-owner`` in one transaction; SQLite: the backup API copies the archived
database into the configured one under a write lock, all or nothing), checks the audit table's
append-only triggers, swaps in the media files and the secret key, and compares every table's row
count with the manifest.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import re
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path, PurePosixPath

from django.conf import settings
from django.db import connection as default_connection
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from fupin.core import append_only

FORMAT = "fupin-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
DB_MEMBERS = {"sqlite": "database/fupin.sqlite3", "postgresql": "database/fupin.pgdump"}
MEDIA_PREFIX = "media/"
SECRET_MEMBER = "config/secret_key"
ALLOWED_TOP = {"database", "media", "config"}
# Names at the top of MEDIA_ROOT that belong to a restore in progress (never backed up).
WORK_PREFIX = ".fupin-"
CHUNK = 1 << 20

Echo = Callable[[str], None]


class BackupError(Exception):
    """A backup or restore that cannot go on; the message says why and what was (not) changed."""


# --- small helpers ----------------------------------------------------------------------------

def fupin_version() -> str:
    try:
        return metadata.version("fupin")
    except metadata.PackageNotFoundError:
        from fupin import __version__

        return __version__


def human(size: int) -> str:
    value = float(size)
    for unit in ("B", "KB", "MB", "GB"):
        if value < 1024 or unit == "GB":
            return f"{value:.0f} {unit}" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1024
    return f"{size} B"


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while chunk := handle.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


class _HashingReader:
    """Reads a file for tarfile while hashing exactly the bytes that go into the archive."""

    def __init__(self, handle):
        self.handle = handle
        self.digest = hashlib.sha256()
        self.size = 0

    def read(self, size: int = -1) -> bytes:
        data = self.handle.read(size)
        self.digest.update(data)
        self.size += len(data)
        return data


def _user_tables(names) -> list[str]:
    return sorted(n for n in names if not n.startswith("sqlite_"))


def live_tables(connection=default_connection) -> list[str]:
    with connection.cursor() as cursor:
        return _user_tables(connection.introspection.table_names(cursor))


def live_counts(connection=default_connection, tables=None) -> dict[str, int | None]:
    """Row count of every table (or of ``tables``; None for a table that does not exist)."""
    present = set(live_tables(connection))
    counts: dict[str, int | None] = {}
    with connection.cursor() as cursor:
        for table in sorted(tables if tables is not None else present):
            if table not in present:
                counts[table] = None
                continue
            cursor.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(table)}")
            counts[table] = cursor.fetchone()[0]
    return counts


def _migration_state(rows) -> tuple[dict[str, str], list[list[str]]]:
    """(latest applied migration per app, every applied migration) from django_migrations rows
    (app, name) in the order they were applied."""
    latest: dict[str, str] = {}
    applied = []
    for app, name in rows:
        latest[app] = name
        applied.append([app, name])
    return dict(sorted(latest.items())), sorted(applied)


@dataclass
class DatabaseState:
    vendor: str
    tables: dict[str, int]
    migrations: dict[str, str]
    applied: list[list[str]]
    server_version: str = ""


# --- database dump: SQLite --------------------------------------------------------------------

def _dump_sqlite(connection, target: Path) -> DatabaseState:
    connection.ensure_connection()
    copy = sqlite3.connect(target)
    try:
        connection.connection.backup(copy)  # one step: a consistent snapshot under a read lock
        copy.execute("PRAGMA journal_mode=DELETE")  # a self-contained file (no -wal beside it)
        check = copy.execute("PRAGMA quick_check").fetchone()[0]
        if check != "ok":
            raise BackupError(_("SQLite 数据库的副本未通过完整性检查：%(result)s") % {"result": check})
        tables = _user_tables(r[0] for r in copy.execute("SELECT name FROM sqlite_master WHERE type = 'table'"))
        counts = {t: copy.execute(f'SELECT COUNT(*) FROM "{t}"').fetchone()[0] for t in tables}
        rows = []
        if "django_migrations" in counts:
            rows = copy.execute("SELECT app, name FROM django_migrations ORDER BY applied, id").fetchall()
        version = sqlite3.sqlite_version
    finally:
        copy.close()
    latest, applied = _migration_state(rows)
    return DatabaseState("sqlite", counts, latest, applied, version)


# --- database dump and restore: PostgreSQL ----------------------------------------------------

def _pg_major(text: str) -> int:
    match = re.search(r"(\d+)(?:\.\d+)?", text)
    return int(match.group(1)) if match else 0


def pg_tool(name: str, server_major: int) -> str:
    """The pg_dump/pg_restore to use: FUPIN_PG_BIN_DIR if set, else the first of PATH and
    /usr/lib/postgresql/*/bin (newest first) whose major version is at least the server's."""
    configured = getattr(settings, "FUPIN_PG_BIN_DIR", "")
    if configured:
        candidates = [str(Path(configured) / name)]
    else:
        candidates = [p for p in [shutil.which(name)] if p]
        versions = sorted(Path("/usr/lib/postgresql").glob(f"*/bin/{name}"),
                          key=lambda p: _pg_major(p.parts[-3]), reverse=True)
        candidates += [str(p) for p in versions]
    found = []
    for candidate in candidates:
        try:
            out = subprocess.run([candidate, "--version"], capture_output=True, text=True, check=True).stdout
        except (OSError, subprocess.CalledProcessError):
            continue
        major = _pg_major(out.rsplit(" ", 1)[-1] if out else "")
        found.append(f"{candidate} ({major})")
        if major >= server_major:
            return candidate
    raise BackupError(_("找不到 PostgreSQL %(major)s 或更新版本的 %(tool)s（已尝试：%(tried)s）；"
                        "请安装 postgresql-client-%(major)s，或设置 FUPIN_PG_BIN_DIR") % {
        "major": server_major, "tool": name, "tried": ", ".join(found) or pgettext("backup", "无")})


def _pg_connection_args(settings_dict) -> tuple[list[str], dict[str, str]]:
    """Command-line options and environment for pg_dump/pg_restore from Django's settings (the same
    as `fupin dbshell`: host, port, user, password, service, passfile, SSL options)."""
    from django.db.backends.postgresql.client import DatabaseClient

    _args, extra = DatabaseClient.settings_to_cmd_args_env(settings_dict, [])
    args = ["--no-password"]
    if settings_dict.get("USER"):
        args += ["--username", settings_dict["USER"]]
    if settings_dict.get("HOST"):
        args += ["--host", settings_dict["HOST"]]
    if settings_dict.get("PORT"):
        args += ["--port", str(settings_dict["PORT"])]
    if settings_dict.get("NAME"):
        args += ["--dbname", settings_dict["NAME"]]
    env = {**os.environ, **(extra or {})}
    return args, env


def _run(command: list[str], env: dict[str, str], what: str) -> None:
    result = subprocess.run(command, env=env, stdin=subprocess.DEVNULL, capture_output=True, text=True)
    if result.returncode != 0:
        detail = "\n".join((result.stderr or result.stdout).strip().splitlines()[-8:])
        raise BackupError(_("%(what)s 失败（退出状态 %(status)s）：\n%(detail)s") % {
            "what": what, "status": result.returncode, "detail": detail})


def _server_major(connection) -> int:
    connection.ensure_connection()
    return connection.pg_version // 10000


def _dump_postgresql(connection, target: Path) -> DatabaseState:
    tool = pg_tool("pg_dump", _server_major(connection))
    side = connection.copy()  # holds the snapshot while pg_dump reads it
    try:
        side.ensure_connection()
        side.set_autocommit(False)
        with side.cursor() as cursor:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            cursor.execute("SELECT pg_export_snapshot(), current_setting('server_version')")
            snapshot, version = cursor.fetchone()
            args, env = _pg_connection_args(side.settings_dict)
            _run([tool, "--format=custom", "--snapshot", snapshot, "--file", str(target), *args], env, "pg_dump")
            tables = _user_tables(side.introspection.table_names(cursor))
            counts = {}
            for table in tables:
                cursor.execute(f"SELECT COUNT(*) FROM {side.ops.quote_name(table)}")
                counts[table] = cursor.fetchone()[0]
            rows = []
            if "django_migrations" in counts:
                cursor.execute("SELECT app, name FROM django_migrations ORDER BY applied, id")
                rows = cursor.fetchall()
        side.rollback()
    finally:
        side.close()
    latest, applied = _migration_state(rows)
    return DatabaseState("postgresql", counts, latest, applied, version)


def _restore_postgresql(connection, dump: Path, manifest: dict, echo: Echo) -> None:
    tool = pg_tool("pg_restore", _server_major(connection))
    extra = sorted(set(live_tables(connection)) - set(manifest["database"]["tables"]))
    if extra:
        # Tables the archive does not know (a newer code's migrations, leftovers): dropped so that the
        # database becomes exactly what the archive holds (SQLite's copy does the same).
        with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
            for table in extra:
                cursor.execute(f"DROP TABLE IF EXISTS {connection.ops.quote_name(table)} CASCADE")
        echo("  " + _("已删除归档中没有的 %(count)s 张表：%(tables)s") % {
            "count": len(extra), "tables": ", ".join(extra)})
    connection.close()  # no session of ours may hold a lock pg_restore waits for
    args, env = _pg_connection_args(connection.settings_dict)
    # Fail rather than wait forever behind a running server or worker that holds a lock.
    env["PGOPTIONS"] = (env.get("PGOPTIONS", "") + " -c lock_timeout=60000").strip()
    _run([tool, "--clean", "--if-exists", "--no-owner", "--no-privileges", "--single-transaction",
          "--exit-on-error", *args, str(dump)], env, _("pg_restore（数据库保持原样）"))


# --- database restore: SQLite -----------------------------------------------------------------

def _restore_sqlite(connection, dump: Path) -> None:
    """Copy the archived database into the configured one with the backup API: it takes the write
    lock and replaces every page in one step (all or nothing), works with WAL and with other
    processes holding the file open (which a file rename would not), and leaves no stale -wal."""
    source = sqlite3.connect(f"file:{dump}?mode=ro", uri=True)
    try:
        connection.close()
        connection.ensure_connection()
        try:
            source.backup(connection.connection)
        except sqlite3.Error as exc:
            raise BackupError(_("无法替换 SQLite 数据库（保持原样）：%(error)s") % {"error": exc}) from exc
    finally:
        source.close()
    connection.close()


# --- triggers -----------------------------------------------------------------------------------

def audit_triggers(connection=default_connection) -> list[str]:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT tgname FROM pg_trigger WHERE tgrelid = to_regclass(%s) AND NOT tgisinternal",
                           [append_only.TABLE])
        else:
            cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = %s",
                           [append_only.TABLE])
        return sorted(r[0] for r in cursor.fetchall())


def _ensure_triggers(connection, echo: Echo) -> str:
    if append_only.TABLE not in live_tables(connection):
        return _("没有审计表")
    expected = 1 if connection.vendor == "postgresql" else 2
    if len(audit_triggers(connection)) >= expected:
        return _("已就位")
    with transaction.atomic(using=connection.alias):
        append_only.install(connection)
    echo("  " + _("审计表的只追加触发器缺失：已重新安装"))
    return _("已重新安装")


# --- media ------------------------------------------------------------------------------------

def media_files(root: Path) -> list[Path]:
    """Every regular file under MEDIA_ROOT, sorted (symbolic links and restore leftovers skipped)."""
    if not root.is_dir():
        return []
    found = []
    for top in sorted(root.iterdir()):
        if top.name.startswith(WORK_PREFIX) or top.is_symlink():
            continue
        if top.is_file():
            found.append(top)
        elif top.is_dir():
            for directory, dirnames, filenames in os.walk(top):
                dirnames.sort()
                for name in sorted(filenames):
                    path = Path(directory) / name
                    if path.is_file() and not path.is_symlink():
                        found.append(path)
    return found


def _swap_media(staged: Path, root: Path) -> None:
    """Put the staged tree in place of MEDIA_ROOT's content: the old content is moved aside (a rename
    inside MEDIA_ROOT, which works even when MEDIA_ROOT is a mount point), the new moved in, the old
    deleted; on a failure the old content is put back."""
    root.mkdir(parents=True, exist_ok=True)
    aside = root / f"{WORK_PREFIX}old-{os.getpid()}"
    aside.mkdir()
    moved_in = []
    try:
        for child in list(root.iterdir()):
            if not child.name.startswith(WORK_PREFIX):
                child.rename(aside / child.name)
        if staged.is_dir():
            for child in list(staged.iterdir()):
                shutil.move(str(child), str(root / child.name))
                moved_in.append(root / child.name)
    except OSError:
        for path in moved_in:
            if path.is_dir():
                shutil.rmtree(path, ignore_errors=True)
            else:
                path.unlink(missing_ok=True)
        for child in list(aside.iterdir()):
            child.rename(root / child.name)
        aside.rmdir()
        raise
    shutil.rmtree(aside)


# --- backup -----------------------------------------------------------------------------------

def secret_key_file() -> Path | None:
    """The secret key file the installation uses, or None (FUPIN_SECRET_KEY set, or no file)."""
    if os.environ.get("FUPIN_SECRET_KEY"):
        return None
    path = Path(settings.VAR_DIR) / "secret_key"
    return path if path.is_file() else None


def default_name() -> str:
    return f"fupin-backup-{timezone.localtime():%Y%m%d-%H%M%S}.tar.gz"


@dataclass
class BackupResult:
    path: Path
    size: int
    sha256: str
    manifest: dict
    lines: list[str] = field(default_factory=list)


def _tar_mode(path: Path, writing: bool) -> str:
    if path.name.endswith(".tar"):
        return "w" if writing else "r:*"
    if path.name.endswith((".tar.xz", ".txz")):
        return "w:xz" if writing else "r:*"
    return "w:gz" if writing else "r:*"


def create(out: Path, *, force: bool = False, connection=default_connection, echo: Echo = print) -> BackupResult:
    """Write the archive to ``out`` (a directory: a dated file inside it). It is written beside the
    target under a temporary name and renamed at the end, so ``out`` is never a half-written file."""
    out = Path(out)
    if out.is_dir():
        out = out / default_name()
    if out.exists() and not force:
        raise BackupError(_("%(path)s 已存在；请换一个文件名，或加 --force 覆盖它") % {"path": out})
    out.parent.mkdir(parents=True, exist_ok=True)
    vendor = connection.vendor
    if vendor not in DB_MEMBERS:
        raise BackupError(_("不支持备份 %(vendor)s 数据库（支持 SQLite 和 PostgreSQL）") % {"vendor": vendor})
    media_root = Path(settings.MEDIA_ROOT)
    work = Path(tempfile.mkdtemp(prefix=".fupin-backup-", dir=out.parent))
    partial = out.parent / f".{out.name}.partial"
    try:
        dump = work / Path(DB_MEMBERS[vendor]).name
        echo(_("数据库：正在导出 %(vendor)s 数据库……") % {"vendor": vendor})
        state = _dump_sqlite(connection, dump) if vendor == "sqlite" else _dump_postgresql(connection, dump)
        files: dict[str, dict] = {}
        media_count = media_bytes = 0
        secret = secret_key_file()
        mode = _tar_mode(out, writing=True)
        # The archive holds personal data and the secret key: readable by its owner only.
        partial.touch(mode=0o600)
        partial.chmod(0o600)
        with tarfile.open(partial, mode, **({"compresslevel": 6} if mode == "w:gz" else {})) as tar:
            def add(path: Path, name: str, mode: int = 0o644) -> int:
                info = tar.gettarinfo(str(path), arcname=name)
                info.uid = info.gid = 0
                info.uname = info.gname = ""
                info.mode = mode
                with open(path, "rb") as handle:
                    reader = _HashingReader(handle)
                    tar.addfile(info, reader)
                files[name] = {"size": info.size, "sha256": reader.digest.hexdigest()}
                return info.size

            db_size = add(dump, DB_MEMBERS[vendor], 0o600)
            for path in media_files(media_root):
                name = MEDIA_PREFIX + path.relative_to(media_root).as_posix()
                try:
                    media_bytes += add(path, name)
                except FileNotFoundError:  # removed while we were walking: not part of the backup
                    continue
                media_count += 1
            if secret is not None:
                add(secret, SECRET_MEMBER, 0o600)
            manifest = {
                "format": FORMAT,
                "format_version": FORMAT_VERSION,
                "fupin_version": fupin_version(),
                "created_at": timezone.now().isoformat(timespec="seconds"),
                "database": {
                    "vendor": state.vendor,
                    "server_version": state.server_version,
                    "file": DB_MEMBERS[vendor],
                    "migrations": state.migrations,
                    "applied_migrations": state.applied,
                    "tables": state.tables,
                },
                "media": {"files": media_count, "bytes": media_bytes},
                "secret_key": "included" if secret is not None else (
                    "environment (FUPIN_SECRET_KEY, not in the archive)" if os.environ.get("FUPIN_SECRET_KEY")
                    else "none"),
                "files": files,
            }
            data = json.dumps(manifest, ensure_ascii=False, indent=1, sort_keys=True).encode()
            info = tarfile.TarInfo(MANIFEST)
            info.size, info.mtime, info.mode = len(data), int(timezone.now().timestamp()), 0o644
            tar.addfile(info, io.BytesIO(data))
        os.replace(partial, out)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    finally:
        shutil.rmtree(work, ignore_errors=True)
    size = out.stat().st_size
    digest = sha256_file(out)
    rows = sum(state.tables.values())
    if secret:
        secret_line = _("已包含（%(path)s）") % {"path": secret}
    elif manifest["secret_key"] == "none":
        secret_line = pgettext("backup", "无")
    else:
        secret_line = _("在环境变量中（FUPIN_SECRET_KEY，不在归档中）")
    lines = [
        _("数据库：%(vendor)s %(version)s，%(tables)s 张表，%(rows)s 行，导出文件 %(size)s") % {
            "vendor": state.vendor, "version": state.server_version, "tables": len(state.tables),
            "rows": f"{rows:,}", "size": human(db_size)},
        _("迁移：已应用 %(applied)s 个，已记录每个应用的最新迁移（%(apps)s 个应用）") % {
            "applied": len(state.applied), "apps": len(state.migrations)},
        _("媒体文件：%(files)s 个，%(size)s（来自 %(root)s）") % {
            "files": f"{media_count:,}", "size": human(media_bytes), "root": media_root},
        _("密钥：%(secret)s") % {"secret": secret_line},
        _("归档：%(path)s（%(size)s），共 %(members)s 个文件") % {
            "path": out, "size": human(size), "members": len(files) + 1},
        _("sha256：%(digest)s") % {"digest": digest},
    ]
    for line in lines:
        echo(line)
    return BackupResult(out, size, digest, manifest, lines)


# --- restore ----------------------------------------------------------------------------------

def _safe_name(name: str) -> PurePosixPath:
    path = PurePosixPath(name)
    if path.is_absolute() or any(part in ("", "..", ".") for part in path.parts) or not path.parts:
        raise BackupError(_("归档中有不安全的文件名 %(name)s：已拒绝，未做任何改动") % {"name": repr(name)})
    if name != MANIFEST and path.parts[0] not in ALLOWED_TOP:
        raise BackupError(_("归档中有意外的文件 %(name)s：不是 fupin 备份；未做任何改动") % {"name": repr(name)})
    return path


def unpack(archive: Path, staging: Path) -> dict:
    """Unpack ``archive`` into ``staging`` and check it against its manifest: every file listed,
    nothing more, each with its size and SHA-256. Returns the manifest; raises BackupError."""
    hashes: dict[str, tuple[int, str]] = {}
    manifest_data = None
    try:
        with tarfile.open(archive, "r|*") as tar:
            for member in tar:
                path = _safe_name(member.name)
                if member.isdir():
                    continue
                if not member.isfile():
                    raise BackupError(_("归档中的 %(name)s 不是普通文件：已拒绝，未做任何改动") % {
                        "name": repr(member.name)})
                source = tar.extractfile(member)
                if member.name == MANIFEST:
                    manifest_data = source.read()
                    continue
                target = staging.joinpath(*path.parts)
                target.parent.mkdir(parents=True, exist_ok=True)
                digest = hashlib.sha256()
                with open(target, "wb") as handle:
                    while chunk := source.read(CHUNK):
                        digest.update(chunk)
                        handle.write(chunk)
                os.utime(target, (member.mtime, member.mtime))
                hashes[member.name] = (member.size, digest.hexdigest())
    except BackupError:
        raise
    except (tarfile.TarError, EOFError, zlib.error, OSError, ValueError) as exc:
        raise BackupError(_("无法读取归档（%(error)s）：它已损坏或不是 fupin 备份；未做任何改动") % {
            "error": f"{type(exc).__name__}: {exc}"}) from exc
    if manifest_data is None:
        raise BackupError(_("归档中没有 %(manifest)s：不是 fupin 备份；未做任何改动") % {"manifest": MANIFEST})
    try:
        manifest = json.loads(manifest_data)
    except ValueError as exc:
        raise BackupError(_("%(manifest)s 已损坏（%(error)s）；未做任何改动") % {
            "manifest": MANIFEST, "error": exc}) from exc
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise BackupError(_("归档不是 fupin 备份（清单格式未知）；未做任何改动"))
    if int(manifest.get("format_version", 0)) > FORMAT_VERSION:
        raise BackupError(_("归档的格式版本 %(version)s 比本 fupin 能读取的版本（%(supported)s）新："
                            "请先升级 fupin；未做任何改动") % {
            "version": manifest["format_version"], "supported": FORMAT_VERSION})
    listed = manifest.get("files") or {}
    problems = []
    for name in sorted(set(listed) - set(hashes)):
        problems.append(_("缺少：%(name)s") % {"name": name})
    for name in sorted(set(hashes) - set(listed)):
        problems.append(_("不在清单中：%(name)s") % {"name": name})
    for name in sorted(set(listed) & set(hashes)):
        size, digest = hashes[name]
        if digest != listed[name].get("sha256") or size != listed[name].get("size"):
            problems.append(_("校验和不符：%(name)s") % {"name": name})
    if problems:
        shown = "\n  ".join(problems[:10])
        if len(problems) > 10:
            shown += "\n  " + _("……另有 %(count)s 项") % {"count": len(problems) - 10}
        raise BackupError(_("归档未通过校验和检查，已拒绝（未做任何改动）：\n  %(problems)s") % {"problems": shown})
    return manifest


def check_migrations(manifest: dict) -> list[str]:
    """Refuse a dump made by newer code; return the migrations of this code the dump has not applied."""
    from django.db.migrations.loader import MigrationLoader

    loader = MigrationLoader(None, ignore_no_migrations=True)
    known = set(loader.disk_migrations)
    for migration in loader.disk_migrations.values():
        known.update(tuple(r) for r in migration.replaces)
    applied = {tuple(item) for item in manifest["database"].get("applied_migrations", [])}
    unknown = sorted(applied - known)
    if unknown:
        shown = ", ".join(f"{a}.{n}" for a, n in unknown[:8]) + (" ..." if len(unknown) > 8 else "")
        raise BackupError(_("归档由更新版本的代码生成（fupin %(version)s）：其中 %(count)s 个已应用的迁移"
                            "本版本不认识（%(migrations)s）；请先安装该版本（或更新版本）的 fupin；未做任何改动") % {
            "version": manifest.get("fupin_version", "?"), "count": len(unknown), "migrations": shown})
    pending = []
    for key, migration in sorted(loader.disk_migrations.items()):
        if key in applied:
            continue
        if migration.replaces and all(tuple(r) in applied for r in migration.replaces):
            continue
        pending.append(f"{key[0]}.{key[1]}")
    return pending


def holds_data(connection=default_connection) -> list[str]:
    """What makes the configured database and media directory non-empty (users, audit events, files)."""
    from django.contrib.auth import get_user_model

    from fupin.core.models import AuditEvent

    found = []
    tables = set(live_tables(connection))
    for label, model in ((_("%(count)s 个用户"), get_user_model()), (_("%(count)s 个审计事件"), AuditEvent)):
        table = model._meta.db_table
        if table in tables:
            with connection.cursor() as cursor:
                cursor.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(table)}")
                count = cursor.fetchone()[0]
            if count:
                found.append(label % {"count": f"{count:,}"})
    files = len(media_files(Path(settings.MEDIA_ROOT)))
    if files:
        found.append(_("%(count)s 个媒体文件") % {"count": f"{files:,}"})
    return found


def _install_secret(staged: Path) -> str:
    if not staged.is_file():
        return _("不在归档中")
    if os.environ.get("FUPIN_SECRET_KEY"):
        return _("归档中有，但未安装：本机设置了 FUPIN_SECRET_KEY，以它为准")
    target = Path(settings.VAR_DIR) / "secret_key"
    data = staged.read_bytes()
    if target.is_file() and target.read_bytes() == data:
        return _("未改变（密钥相同）")
    temporary = target.with_name(".secret_key.restoring")
    temporary.write_bytes(data)
    temporary.chmod(0o600)
    os.replace(temporary, target)
    return _("已安装到 %(path)s：请重启 `fupin serve` 使其生效") % {"path": target}


@dataclass
class RestoreResult:
    manifest: dict
    tables: int
    rows: int
    files: int
    bytes: int
    pending_migrations: list[str]
    lines: list[str] = field(default_factory=list)


def restore(archive: Path, *, force: bool = False, connection=default_connection, echo: Echo = print) -> RestoreResult:
    archive = Path(archive)
    if not archive.is_file():
        raise BackupError(_("%(path)s 不是文件") % {"path": archive})
    media_root = Path(settings.MEDIA_ROOT)
    media_root.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f"{WORK_PREFIX}restore-", dir=media_root))
    try:
        echo(_("归档：%(path)s（%(size)s）：正在逐个文件核对清单……") % {
            "path": archive, "size": human(archive.stat().st_size)})
        manifest = unpack(archive, staging)
        db = manifest["database"]
        echo("  " + _("由 fupin %(version)s 于 %(created)s 生成，已校验 %(files)s 个文件（SHA-256）") % {
            "version": manifest.get("fupin_version"), "created": manifest.get("created_at"),
            "files": len(manifest["files"])})
        if db.get("vendor") != connection.vendor:
            raise BackupError(_("归档中是 %(archived)s 数据库，而本安装使用 %(vendor)s：已拒绝，未做任何改动") % {
                "archived": db.get("vendor"), "vendor": connection.vendor})
        pending = check_migrations(manifest)
        present = holds_data(connection)
        if present and not force:
            raise BackupError(_("本安装不是空的（%(present)s）；恢复会替换其全部内容：加 --force 才会继续"
                                "（未做任何改动）") % {
                # Translators: the separator of a list of counts ("3 个用户、12 个审计事件")
                "present": _("、").join(present)})
        dump = staging.joinpath(*PurePosixPath(db["file"]).parts)
        echo(_("数据库：正在恢复 %(vendor)s（%(tables)s 张表，%(rows)s 行，导出文件 %(size)s）……") % {
            "vendor": db["vendor"], "tables": len(db["tables"]), "rows": f"{sum(db['tables'].values()):,}",
            "size": human(dump.stat().st_size)})
        if connection.vendor == "postgresql":
            _restore_postgresql(connection, dump, manifest, echo)
        else:
            _restore_sqlite(connection, dump)
        dump.unlink()
        triggers = _ensure_triggers(connection, echo)
        media_count = manifest.get("media", {}).get("files", 0)
        media_bytes = manifest.get("media", {}).get("bytes", 0)
        echo(_("媒体文件：正在把 %(files)s 个文件（%(size)s）放到 %(root)s 下……") % {
            "files": f"{media_count:,}", "size": human(media_bytes), "root": media_root})
        try:
            _swap_media(staging / "media", media_root)
        except OSError as exc:
            raise BackupError(_("数据库已恢复，但媒体文件未能放到位（%(error)s）；原有文件已保留："
                                "请腾出空间后重新恢复") % {"error": exc}) from exc
        secret = _install_secret(staging.joinpath(*PurePosixPath(SECRET_MEMBER).parts))
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    expected = db["tables"]
    counts = live_counts(connection, expected)
    wrong = [_("%(table)s：%(count)s（归档中 %(expected)s）") % {
        "table": t, "count": counts[t] if counts[t] is not None else _("缺失"), "expected": n}
        for t, n in expected.items() if counts[t] != n]
    extra = sorted(set(live_tables(connection)) - set(expected))
    rows = sum(n for n in counts.values() if n)
    check = _("行数与清单一致") if not wrong else _("有 %(count)s 张表的行数与清单不符") % {"count": len(wrong)}
    lines = [
        _("数据库：%(tables)s 张表，%(rows)s 行；%(check)s") % {
            "tables": len(expected), "rows": f"{rows:,}", "check": check},
        _("审计触发器：%(state)s") % {"state": triggers},
        _("媒体文件：%(files)s 个，%(size)s") % {"files": f"{media_count:,}", "size": human(media_bytes)},
        _("密钥：%(secret)s") % {"secret": secret},
    ]
    if pending:
        lines.append(_("迁移：归档早于本版本代码的 %(count)s 个迁移：请运行 `fupin migrate`") % {"count": len(pending)})
    for line in lines:
        echo(line)
    if wrong or extra:
        detail = "\n  ".join(wrong + [_("%(table)s：不在归档中") % {"table": t} for t in extra])
        raise BackupError(_("已恢复，但数据表与清单不符：\n  %(detail)s") % {"detail": detail})
    return RestoreResult(manifest, len(expected), rows, media_count, media_bytes, pending, lines)


def table_report(counts: dict, *, width: int = 48) -> list[str]:
    return [f"  {table:<{width}} {count:>12,}" for table, count in sorted(counts.items())]

