#!/usr/bin/env bash
# The whole test suite, from a fresh clone: installs what the tests need
# (npm packages, Debian's etcd, the test cluster's kube-apiserver built with Go,
# Node 24), builds, and runs the suite on Node 20 and again on Node 24.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

if [[ ! -x node_modules/.bin/vitest || package-lock.json -nt node_modules/.package-lock.json ]]; then
  npm ci --no-audit --no-fund --loglevel=error
fi
bash scripts/install-test-deps.sh
export KCHECK_TEST_CLUSTER_DIR="$(bash scripts/build-test-cluster.sh | tail -n 1)"
# kubeadm, for test/certificates/kubeadm.test.ts (its own cache folder beside the test cluster's).
export KCHECK_TEST_KUBEADM="$(bash scripts/build-kubeadm.sh | tail -n 1)"
# etcdutl and etcd 3.5/3.6, the reference of the snapshot mutation suite (test/snapshot/restore-agreement.test.ts).
export KCHECK_ETCDUTL_DIR="$(bash scripts/build-etcdutl.sh | tail -n 1)"
node24="$(bash scripts/node24.sh | tail -n 1)"

npm run build --silent

# Tests must leave the checkout as they found it: no file changed, added,
# removed or re-timed (a fixture's file time is part of what a rule judges).
checkout_state() {
  git rev-parse --is-inside-work-tree >/dev/null 2>&1 || return 0
  { git status --porcelain --untracked-files=all; git ls-files -z | xargs -0 stat --format '%n %s %Y' 2>/dev/null; } | sha256sum
}
before="$(checkout_state)"

reports="$(mktemp -d)"
status=0
# Nothing exported that nothing uses, no file nothing imports, no dependency nothing needs (knip.json).
echo "== unused code (knip)"
node node_modules/knip/bin/knip.js --no-progress || status=$?
echo "== tests on Node $(node --version)"
node node_modules/vitest/vitest.mjs run --reporter=default --reporter=json --outputFile.json="$reports/node20.json" "$@" || status=$?
echo "== tests on Node $("$node24" --version)"
"$node24" node_modules/vitest/vitest.mjs run --reporter=default --reporter=json --outputFile.json="$reports/node24.json" "$@" || status=$?
node scripts/test-summary.mjs "$reports"/*.json || true
if [[ "$(checkout_state)" != "$before" ]]; then
  echo "the tests changed files in the checkout (git status and file times differ from before the run):" >&2
  git status --porcelain --untracked-files=all >&2
  status=1
fi
exit "$status"
