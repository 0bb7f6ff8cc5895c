#!/usr/bin/env bash
# Builds the binaries of the test cluster the live-source tests start:
# kube-apiserver and kubectl from k8s.io/kubernetes, and etcd from the etcd
# server module of the same module graph (test/cluster/go.mod pins them).
#
# The binaries go to a cache outside the work tree, keyed by the Kubernetes
# release, so only the first run pays for the build:
#   ${KCHECK_CACHE:-$HOME/.cache/kcheck}/k8s-<version>/bin/{kube-apiserver,kubectl,etcd}
# When they are already there this prints that folder and does nothing else.
# The last line printed on stdout is always the folder.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
module_dir="$here/test/cluster"

fail() {
  echo "build-test-cluster: $*" >&2
  exit 1
}

command -v go >/dev/null 2>&1 || fail "go is not installed; the test cluster is built from source with Go (see test/cluster/go.mod for the version it needs)"

version="$(sed -n 's/^[[:space:]]*k8s\.io\/kubernetes \(v[0-9][0-9.]*\)$/\1/p' "$module_dir/go.mod" | head -n1)"
[[ -n "$version" ]] || fail "cannot find the k8s.io/kubernetes version in $module_dir/go.mod"

cache_root="${KCHECK_CACHE:-$HOME/.cache/kcheck}"
dest="$cache_root/k8s-$version"
binaries=(kube-apiserver kubectl etcd)

built() {
  local b
  for b in "${binaries[@]}"; do
    [[ -x "$dest/bin/$b" ]] || return 1
  done
  [[ -f "$dest/BUILT" ]]
}

if built; then
  echo "$dest"
  exit 0
fi

mkdir -p "$cache_root"
staging="$(mktemp -d "$cache_root/.k8s-$version.XXXXXX")"
trap 'rm -rf "$staging"' EXIT

# shellcheck source=scripts/k8s-ldflags.sh
source "$here/scripts/k8s-ldflags.sh"
ldflags="$(k8s_ldflags "$module_dir" "$version")"

echo "build-test-cluster: building kube-apiserver, kubectl and etcd $version into $dest (first build takes a while)" >&2
start=$(date +%s)
(
  cd "$module_dir"
  # GOTOOLCHAIN=local: use the installed Go; the go.mod only needs go >= 1.25.
  # CGO_ENABLED=0: static binaries, as Kubernetes releases them.
  GOTOOLCHAIN=local CGO_ENABLED=0 go build -mod=readonly -trimpath -ldflags "$ldflags" \
    -o "$staging/bin/" \
    k8s.io/kubernetes/cmd/kube-apiserver k8s.io/kubernetes/cmd/kubectl ./etcd
) || fail "go build failed for k8s.io/kubernetes $version (module: $module_dir). The Go output above says why; the Go module proxy must be reachable for the first build."

for b in "${binaries[@]}"; do
  [[ -x "$staging/bin/$b" ]] || fail "go build did not produce $b"
done
"$staging/bin/kube-apiserver" --version >&2 || fail "the built kube-apiserver does not run"

elapsed=$(( $(date +%s) - start ))
printf 'version=%s\nbuilt_in_seconds=%s\ngo=%s\n' "$version" "$elapsed" "$(go env GOVERSION)" >"$staging/BUILT"
rm -rf "$dest"
mv "$staging" "$dest"
trap - EXIT
echo "build-test-cluster: built in ${elapsed}s" >&2
echo "$dest"
