"""schemathesis over the OpenAPI document, in-process (WSGI): every operation, with generated valid and
invalid requests, as a logged-in county user (session, with CSRF) and as a township user with a
token: never a server error. Some examples use the ids of real records so the detail and write
paths get past the lookup. FUPIN_SCHEMATHESIS_EXAMPLES sets the examples per operation and user."""

from __future__ import annotations

import os
import time
from collections import Counter

import pytest
import schemathesis
from django.core import signals
from django.core.handlers.wsgi import WSGIHandler
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode

from tests import factories
from tests.api import support
from tests.api.test_permissions import record_for

pytestmark = pytest.mark.django_db
EXAMPLES = int(os.environ.get("FUPIN_SCHEMATHESIS_EXAMPLES", "6"))
CSRF = "k" * 32


def strategy_for(operation, world):
    strategies = [operation.as_strategy(GenerationMode.POSITIVE), operation.as_strategy(GenerationMode.NEGATIVE)]
    path = operation.path
    real = {}
    if "{id}" in path and (record := record_for("/api/v1" + path if not path.startswith("/api") else path, world)):
        real["id"] = record.pk
    if "{code}" in path:
        real["code"] = factories.JIANYUAN
    if real:
        strategies.append(operation.as_strategy(GenerationMode.POSITIVE, path_parameters=real))
    return st.one_of(strategies)


def fuzz(operation, who: str, auth: dict, world, calls: list, failures: list) -> None:
    @given(case=strategy_for(operation, world))
    @settings(max_examples=EXAMPLES, deadline=None, database=None, derandomize=True,
              phases=[Phase.explicit, Phase.generate], suppress_health_check=list(HealthCheck))
    def run(case):
        try:
            response = case.call(headers=auth["headers"], cookies=auth["cookies"])
        except Exception as exc:  # the test client re-raises the view's exception: a server error
            failures.append(f"{who}: {case.method} {case.formatted_path} {case.query} {case.body!r} -> {exc!r}")
            return
        calls.append(response.status_code)
        if response.status_code >= 500:
            failures.append(f"{who}: {case.method} {case.formatted_path} {case.query} {case.body!r} "
                            f"-> {response.status_code}")

    run()


@pytest.fixture
def keep_connection():
    """As Django's test client does: the requests share the test's transaction, so they must not close
    the connection when they finish."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


def test_no_generated_request_gives_a_server_error(users, world_for_fuzzing, keep_connection, capsys):
    app = WSGIHandler()
    schema = schemathesis.openapi.from_wsgi("/api/schema/?format=json", app)
    session_client = support.client_for(users["county"])
    identities = {
        "county (session)": {"headers": {"X-CSRFToken": CSRF},
                             "cookies": {"sessionid": session_client.cookies["sessionid"].value, "csrftoken": CSRF}},
        "township (token)": {"headers": dict([support.token_header(users["township"])]), "cookies": {}},
    }
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) > 50
    calls, failures, started = [], [], time.monotonic()
    for operation in operations:
        for who, auth in identities.items():
            fuzz(operation, who, auth, world_for_fuzzing, calls, failures)
    elapsed = time.monotonic() - started
    with capsys.disabled():
        print(f"\nschemathesis: {len(operations)} operations, {len(calls)} requests in {elapsed:.1f} s, "
              f"statuses {sorted(Counter(calls).items())}")
    assert not failures, "\n".join(failures[:20])
    assert len(calls) >= len(operations) * 2
    # the generated requests got past authentication and CSRF and some of them were accepted
    assert Counter(calls)[200] > len(operations) and Counter(calls)[201] > 0


@pytest.fixture
def world_for_fuzzing(users, rules):
    return support.build_full(users)
