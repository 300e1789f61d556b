#!/usr/bin/env bash
# Fetch the vendored front-end libraries again from the npm registry (see static/vendor/README.md).
set -euo pipefail
dest="$(cd "$(dirname "$0")/.." && pwd)/src/fupin/web/static/vendor"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cd "$work"
npm pack @tabler/core@1.6.1 htmx.org@2.0.11 alpinejs@3.17.5 echarts@5.6.0 >/dev/null
for f in *.tgz; do mkdir "${f%.tgz}"; tar xzf "$f" -C "${f%.tgz}"; done
cp tabler-core-1.6.1/package/dist/css/tabler.min.css tabler-core-1.6.1/package/dist/js/tabler.min.js "$dest/tabler-1.6.1/"
cp htmx.org-2.0.11/package/dist/htmx.min.js htmx.org-2.0.11/package/LICENSE "$dest/htmx-2.0.11/"
cp alpinejs-3.17.5/package/dist/cdn.min.js "$dest/alpinejs-3.17.5/alpine.min.js"
mkdir -p "$dest/echarts-5.6.0"
cp echarts-5.6.0/package/dist/echarts.min.js echarts-5.6.0/package/LICENSE echarts-5.6.0/package/NOTICE "$dest/echarts-5.6.0/"
echo "vendored into $dest"
