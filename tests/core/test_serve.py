"""`fupin serve` as an operator meets it: a busy port is one line and a failure status; stopping the
server stops its task worker; the worker does not outlive a server that died."""

import os
import re
import signal
import socket
import sqlite3
import subprocess
import sys
import threading
import time

import pytest
from django.db import connection

ENV_KEYS = ("PATH", "HOME", "LANG", "LC_ALL", "PYTHONPATH", "VIRTUAL_ENV")


def _env(tmp_path, database_url=""):
    env = {k: os.environ[k] for k in ENV_KEYS if k in os.environ}
    env.update(FUPIN_VAR_DIR=str(tmp_path), DATABASE_URL=database_url, DJANGO_SETTINGS_MODULE="fupin.settings",
               PYTHONUNBUFFERED="1")
    return env


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    try:  # a zombie (exited, not yet reaped by its parent) is gone too
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0] != "Z"
    except FileNotFoundError:
        return False


def _gone_within(pid: int, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if not _alive(pid):
            return True
        time.sleep(0.1)
    return False


def test_busy_port_is_one_line_and_a_failure(tmp_path):
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        done = subprocess.run([sys.executable, "-m", "fupin.cli", "serve", "--port", str(port), "--no-worker"],
                              env=_env(tmp_path), capture_output=True, text=True, timeout=60)
    assert done.returncode != 0
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    assert str(port) in lines[0] and "端口" in lines[0] and "Traceback" not in done.stderr
    assert "http://" not in done.stdout  # it never claimed to serve


@pytest.fixture
def migrated_database(transactional_db, tmp_path):
    """A file copy of the test database (migrated already), for a server in another process (outside a
    transaction: the copy waits for none)."""
    if connection.vendor != "sqlite":
        pytest.skip("copies the SQLite test database")
    connection.ensure_connection()
    path = tmp_path / "fupin.sqlite3"
    target = sqlite3.connect(path)
    connection.connection.backup(target)
    target.close()
    return f"sqlite:///{path}"


def _start(tmp_path, database_url):
    port = _free_port()
    server = subprocess.Popen([sys.executable, "-m", "fupin.cli", "serve", "--port", str(port)],
                              env=_env(tmp_path, database_url), stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                              text=True)
    lines: list[str] = []
    ready = threading.Event()

    def read():
        for line in server.stdout:
            lines.append(line)
            if "Ctrl+C" in line:
                ready.set()

    threading.Thread(target=read, daemon=True).start()
    if not ready.wait(60):
        server.kill()
        pytest.fail("the server did not start:\n" + "".join(lines))
    found = re.search(r"pid (\d+)", "".join(lines))
    assert found, "".join(lines)
    worker = int(found.group(1))
    time.sleep(2)  # the worker got past its start (it would have died at once without its tables)
    assert _alive(worker), "".join(lines)
    return server, worker, lines


def test_stopping_the_server_stops_its_worker(migrated_database, tmp_path):
    server, worker, lines = _start(tmp_path, migrated_database)
    try:
        assert any("按 Ctrl+C 停止" in line for line in lines)
        server.send_signal(signal.SIGTERM)
        assert server.wait(20) == 0
        assert _gone_within(worker, 5), "".join(lines)
    finally:
        server.kill()
        if _alive(worker):
            os.kill(worker, signal.SIGKILL)


def test_the_worker_does_not_outlive_a_killed_server(migrated_database, tmp_path):
    server, worker, lines = _start(tmp_path, migrated_database)
    try:
        server.kill()  # no chance to stop its worker
        server.wait(10)
        assert _gone_within(worker, 10), "".join(lines)
    finally:
        if _alive(worker):
            os.kill(worker, signal.SIGKILL)


def test_the_commands_speak_the_installations_language(monkeypatch):
    from django.utils import translation

    from fupin import cli

    try:
        monkeypatch.setenv("FUPIN_LANGUAGE", "en")
        cli.activate_language()
        assert translation.get_language() == "en"
        monkeypatch.setenv("FUPIN_LANGUAGE", "klingon")  # unknown: the settings' language
        cli.activate_language()
        assert translation.get_language() == "zh-hans"
        monkeypatch.delenv("FUPIN_LANGUAGE")
        cli.activate_language()
        assert translation.get_language() == "zh-hans"
    finally:
        translation.activate("zh-hans")
