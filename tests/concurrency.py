"""Clicks at once: the one helper of the PostgreSQL race tests."""

import threading

from django.db import connections


def at_once(n: int, work) -> dict[int, object]:
    """Run ``work(i)`` for i in range(n), each in its own thread with its own connection, released
    together by a barrier; returns each result or raised exception by index (all n are there)."""
    barrier = threading.Barrier(n)
    results: dict[int, object] = {}

    def run(i):
        try:
            barrier.wait()
            results[i] = work(i)
        except Exception as exc:  # every outcome is the caller's to check
            results[i] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert len(results) == n, f"{n - len(results)} of {n} threads did not finish"
    return results
