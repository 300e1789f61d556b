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
# (issue 15) and the apps' modules whole, each in the same distributed database (tests/conftest.py:
# FUPIN_TEST_CITUS). About 8 minutes on an idle 2-core machine (about 900 tests), 15 when it is
# busy; the rest of the suite (the CLI, demo, backup and browser tests) runs on SQLite and PostgreSQL.
tests=(
  tests/citus                                   # the distributed layout
  tests/targeting                               # identification runs, results, the register beside them
  tests/exchange/test_import.py                 # the registry import (staging tables, set-based writes)
  tests/exchange/test_matching.py               # department lists matched against the registry, clues
  tests/exchange/test_national.py               # the national system's workbook and returned list
  tests/workflows                               # procedures, tasks, notices, the yearly adjustment
  tests/core/test_races.py                      # two clicks at once (row locks on one shard)
  tests/core/test_scope.py tests/core/test_object_scope.py  # area scope
  tests/core/test_kept.py                       # kept figures follow every change
  tests/insights                                # dashboard, targets, report, one number everywhere
  tests/registry tests/welfare tests/programmes tests/assistance tests/funds tests/assessment
  tests/api                                     # the API, its permissions and generated requests
)
url=$("$citus_dir/cluster.sh" start >/dev/null && "$citus_dir/cluster.sh" createdb fupin_test_citus | tail -1)
echo "Citus cluster: $url"
DATABASE_URL=$url .venv/bin/fupin migrate -v0
# 4 shards per table instead of Citus's 32: the same layout and routing, a test's many small
# statements reach fewer shard connections (the run takes a third less time)
DATABASE_URL=$url .venv/bin/fupin citus distribute --shards 4
DATABASE_URL=$url .venv/bin/fupin citus status
FUPIN_TEST_CITUS=1 DATABASE_URL=$url .venv/bin/pytest -q -p no:randomly "${tests[@]}"
