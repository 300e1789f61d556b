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
url=$("$citus_dir/cluster.sh" start >/dev/null && "$citus_dir/cluster.sh" createdb fupin_test_citus | tail -1)
echo "Citus cluster: $url"
DATABASE_URL=$url .venv/bin/fupin migrate -v0
DATABASE_URL=$url .venv/bin/fupin citus distribute
DATABASE_URL=$url .venv/bin/fupin citus status
FUPIN_TEST_CITUS=1 DATABASE_URL=$url .venv/bin/pytest -q -p no:randomly tests/citus
