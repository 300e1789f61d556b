#!/usr/bin/env bash
# The Citus part of `make test`: a 3-node cluster on this machine (../shared/citus/cluster.sh),
# a database migrated and put through `fupin citus distribute`, then the Citus tests in it.
# Says plainly, and succeeds, when Citus is not installed here (../shared/citus/build.sh installs it).
set -euo pipefail
cd "$(dirname "$0")/.."
citus_dir=${FUPIN_CITUS_DIR:-}
for d in "$citus_dir" ../shared/citus /work/shared/citus; do
  if [ -n "$d" ] && [ -x "$d/cluster.sh" ]; then citus_dir=$d; break; fi
done
libdir=$(pg_config --pkglibdir 2>/dev/null || true)
if [ -z "$citus_dir" ] || [ ! -x "$citus_dir/cluster.sh" ] || [ -z "$libdir" ] || [ ! -f "$libdir/citus.so" ]; then
  echo "Citus is not available on this machine (no citus.so, or no ../shared/citus/cluster.sh): skipping the Citus run."
  echo "To run it: ../shared/citus/build.sh (once, 5-10 minutes), then make test-citus."
  exit 0
fi
# What runs on the cluster: the layout itself, then the set-based and concurrent paths of the suite
# (issue 15), each in the same distributed database (tests/conftest.py: FUPIN_TEST_CITUS). About
# 8-9 minutes on a 2-core machine (340 tests); the whole suite is not run here (SQLite and PostgreSQL run it).
tests=(
  tests/citus                                   # the distributed layout
  tests/targeting                               # identification runs, results, the register beside them
  tests/exchange/test_import.py                 # the registry import (staging tables, set-based writes)
  tests/exchange/test_matching.py               # department lists matched against the registry, clues
  tests/exchange/test_national.py               # the national system's workbook and returned list
  tests/workflows                               # procedures, tasks, notices, the yearly adjustment
  tests/core/test_races.py                      # two clicks at once (row locks on one shard)
  tests/funds/test_concurrency.py               # payments at once never overdraw an allocation
  tests/welfare/test_concurrency.py tests/programmes/test_concurrency.py
  tests/welfare/test_guarantees_grouped.py      # the 低保/特困 gaps, per household on one shard
  tests/core/test_kept.py                       # kept figures follow every change
  tests/insights/test_dashboard.py tests/insights/test_targets.py tests/insights/test_one_number.py
  tests/core/test_scope.py tests/core/test_object_scope.py  # area scope
)
url=$("$citus_dir/cluster.sh" start >/dev/null && "$citus_dir/cluster.sh" createdb fupin_test_citus | tail -1)
echo "Citus cluster: $url"
DATABASE_URL=$url .venv/bin/fupin migrate -v0
# 4 shards per table instead of Citus's 32: the same layout and routing, a test's many small
# statements reach fewer shard connections (the run takes a third less time)
DATABASE_URL=$url .venv/bin/fupin citus distribute --shards 4
DATABASE_URL=$url .venv/bin/fupin citus status
FUPIN_TEST_CITUS=1 DATABASE_URL=$url .venv/bin/pytest -q -p no:randomly "${tests[@]}"
