"""GET /healthz: no login, JSON, 200 when the database, the task worker and the disk are fine, 503
when one is not; nothing personal or secret in the answer."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.core.management import call_command
from django.db import OperationalError
from django.utils import timezone
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from fupin.core import health

pytestmark = pytest.mark.django_db

DATABASE_QUEUE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


@pytest.fixture(autouse=True)
def _queue(settings, tmp_path):
    settings.TASKS = DATABASE_QUEUE
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.FUPIN_HEALTH_MIN_FREE_MB = 1
    settings.FUPIN_HEALTH_WORKER_WAIT_SECONDS = 120
    settings.FUPIN_HEALTH_PING_SECONDS = 60


def get(client, expected: int) -> dict:
    response = client.get("/healthz")
    assert response.status_code == expected, response.content
    assert response["Content-Type"] == "application/json"
    assert "no-store" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]
    return json.loads(response.content)


def pings():
    return DBTaskResult.objects.filter(task_path=health.ping.module_path)


def test_healthy_without_login(client, settings):
    body = get(client, 200)
    assert body["status"] == "ok"
    assert set(body["checks"]) == {"database", "worker", "disk"}
    assert body["checks"]["database"]["ok"] is True
    worker = body["checks"]["worker"]
    assert worker["ok"] is True and worker["queue"] == "database" and worker["ping_queued_now"] is True
    assert set(worker) >= {"last_ping_seconds_ago", "ping_waiting_seconds", "tasks_waiting", "tasks_running"}
    disk = body["checks"]["disk"]
    assert disk["ok"] is True and disk["var_free_mb"] > 0 and disk["media_free_mb"] > 0 and disk["min_free_mb"] == 1
    # one ping waits at a time: a second call queues nothing
    assert get(client, 200)["checks"]["worker"]["ping_queued_now"] is False
    assert pings().count() == 1
    assert client.head("/healthz").status_code == 200
    assert client.post("/healthz").status_code == 405


def test_nothing_personal_or_secret(client, settings, users):
    raw = client.get("/healthz").content.decode()
    from django.db import connection

    for secret in (settings.SECRET_KEY, str(settings.VAR_DIR), str(settings.MEDIA_ROOT),
                   str(connection.settings_dict["NAME"]), "county", "auditor"):
        assert secret not in raw


def test_low_disk_is_503(client, settings):
    settings.FUPIN_HEALTH_MIN_FREE_MB = 10**12  # an exabyte: no disk has that free
    body = get(client, 503)
    assert body["status"] == "fail"
    assert body["checks"]["disk"]["ok"] is False
    assert body["checks"]["database"]["ok"] is True and body["checks"]["worker"]["ok"] is True


@pytest.mark.django_db(transaction=True)  # the worker closes and reopens connections
def test_a_worker_that_does_not_take_the_ping_is_503_until_it_runs_it(client, settings):
    get(client, 200)  # queues the ping
    pings().update(enqueued_at=timezone.now() - dt.timedelta(minutes=5))  # nobody took it for 5 minutes
    body = get(client, 503)
    assert body["checks"]["worker"]["ok"] is False and body["checks"]["worker"]["ping_waiting_seconds"] >= 300

    # busy with a long task that started recently: not taken as dead
    running = health.ping.enqueue()
    DBTaskResult.objects.filter(pk=running.id).update(status=TaskResultStatus.RUNNING, started_at=timezone.now())
    body = get(client, 200)
    assert body["checks"]["worker"]["note"] == "busy with a running task"
    # ... unless it has been "running" longer than any task runs (its worker died in the middle)
    DBTaskResult.objects.filter(pk=running.id).update(started_at=timezone.now() - dt.timedelta(days=1))
    get(client, 503)
    DBTaskResult.objects.filter(pk=running.id).delete()

    # the worker runs the queue (as `fupin serve` starts it): healthy again, with a recent heartbeat
    call_command("db_worker", "--batch", "--no-startup-delay", "--queue-name", "*", "--no-reload", verbosity=0)
    body = get(client, 200)
    assert body["checks"]["worker"]["last_ping_seconds_ago"] < 60
    assert body["checks"]["worker"]["ping_queued_now"] is False  # the last ping is recent enough
    assert not pings().filter(status=TaskResultStatus.READY).exists()


def test_old_pings_are_pruned(client, settings):
    settings.FUPIN_HEALTH_PING_SECONDS = 0
    for _ in range(4):
        get(client, 200)
        pings().filter(status=TaskResultStatus.READY).update(status=TaskResultStatus.SUCCESSFUL,
                                                             finished_at=timezone.now())
    assert pings().count() <= 2  # the latest finished ping and the one just queued


def test_database_down_is_503_without_details(client, monkeypatch):
    class Down:
        vendor = "postgresql"

        def cursor(self):
            raise OperationalError('could not connect to server at "db.internal.example" (10.1.2.3)')

    monkeypatch.setattr(health, "connection", Down())
    response = client.get("/healthz")
    assert response.status_code == 503
    body = json.loads(response.content)
    assert body["checks"]["database"] == {"ok": False, "error": "OperationalError"}
    assert body["checks"]["worker"]["ok"] is False
    assert b"db.internal.example" not in response.content and b"10.1.2.3" not in response.content


def test_no_worker_needed_when_tasks_run_in_process(client, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    body = get(client, 200)
    assert body["checks"]["worker"] == {"ok": True, "queue": "immediate"}
    assert not pings().exists()
