#!/usr/bin/env bash
# Builds etcdutl and etcd for each etcd minor under test/etcdutl/<minor>/go.mod
# (3.5 and 3.6): the reference the snapshot mutation suite compares kcheck
# with (`etcdutl snapshot restore`, then etcd started on the restored data dir).
# etcd 3.4 needs no build: Debian's etcdctl 3.4.23 restores (install-test-deps.sh).
#
# The binaries go to a cache outside the work tree, one folder per release, so
# only the first run pays for the build:
#   ${KCHECK_CACHE:-$HOME/.cache/kcheck}/etcdutl/v<version>/bin/{etcdutl,etcd}
# When they are already there this does nothing else. The last line printed on
# stdout is always ${KCHECK_CACHE:-$HOME/.cache/kcheck}/etcdutl.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

fail() {
  echo "build-etcdutl: $*" >&2
  exit 1
}

command -v go >/dev/null 2>&1 || fail "go is not installed; etcdutl is built from source with Go (see test/etcdutl/*/go.mod)"

cache_root="${KCHECK_CACHE:-$HOME/.cache/kcheck}"
out_root="$cache_root/etcdutl"
mkdir -p "$out_root"

for module_dir in "$here"/test/etcdutl/*/; do
  module_dir="${module_dir%/}"
  version="$(sed -n 's/^[[:space:]]*go\.etcd\.io\/etcd\/etcdutl\/v3 \(v[0-9][0-9.]*\)$/\1/p' "$module_dir/go.mod" | head -n1)"
  [[ -n "$version" ]] || fail "cannot find the go.etcd.io/etcd/etcdutl/v3 version in $module_dir/go.mod"
  dest="$out_root/$version"
  if [[ -x "$dest/bin/etcdutl" && -x "$dest/bin/etcd" && -f "$dest/BUILT" ]]; then
    continue
  fi
  staging="$(mktemp -d "$out_root/.$version.XXXXXX")"
  trap 'rm -rf "$staging"' EXIT
  echo "build-etcdutl: building etcdutl and etcd $version into $dest" >&2
  start=$(date +%s)
  (
    cd "$module_dir"
    # GOTOOLCHAIN=local: the installed Go. CGO_ENABLED=0: static, as etcd releases them.
    GOTOOLCHAIN=local CGO_ENABLED=0 go build -mod=readonly -trimpath -ldflags "-s -w" \
      -o "$staging/bin/" go.etcd.io/etcd/etcdutl/v3 ./etcd
  ) || fail "go build failed for etcd $version (module: $module_dir). The Go output above says why; the Go module proxy must be reachable for the first build."
  # The etcdutl main package is the module root: go build names it after the module path's last element.
  [[ -x "$staging/bin/v3" ]] && mv "$staging/bin/v3" "$staging/bin/etcdutl"
  for b in etcdutl etcd; do
    [[ -x "$staging/bin/$b" ]] || fail "go build did not produce $b for $version"
  done
  "$staging/bin/etcdutl" version >&2 || fail "the built etcdutl $version does not run"
  elapsed=$(( $(date +%s) - start ))
  printf 'version=%s\nbuilt_in_seconds=%s\ngo=%s\n' "$version" "$elapsed" "$(go env GOVERSION)" >"$staging/BUILT"
  rm -rf "$dest"
  mv "$staging" "$dest"
  trap - EXIT
  echo "build-etcdutl: $version built in ${elapsed}s" >&2
done
echo "$out_root"
