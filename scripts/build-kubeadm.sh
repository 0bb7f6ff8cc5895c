#!/usr/bin/env bash
# Builds kubeadm from the k8s.io/kubernetes module that test/cluster/go.mod
# pins, for the certificate tests that compare kcheck with
# `kubeadm certs check-expiration` (test/certificates/kubeadm.test.ts).
#
# A sibling of scripts/build-test-cluster.sh with its own cache folder, so
# neither build invalidates the other:
#   ${KCHECK_CACHE:-$HOME/.cache/kcheck}/kubeadm-<version>/bin/kubeadm
# When it is already there this prints that folder and does nothing else.
# The last line printed on stdout is always the folder.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
module_dir="$here/test/cluster"

fail() {
  echo "build-kubeadm: $*" >&2
  exit 1
}

command -v go >/dev/null 2>&1 || fail "go is not installed; kubeadm is built from source with Go (see test/cluster/go.mod for the version it needs)"

version="$(sed -n 's/^[[:space:]]*k8s\.io\/kubernetes \(v[0-9][0-9.]*\)$/\1/p' "$module_dir/go.mod" | head -n1)"
[[ -n "$version" ]] || fail "cannot find the k8s.io/kubernetes version in $module_dir/go.mod"

cache_root="${KCHECK_CACHE:-$HOME/.cache/kcheck}"
dest="$cache_root/kubeadm-$version"

if [[ -x "$dest/bin/kubeadm" && -f "$dest/BUILT" ]]; then
  echo "$dest"
  exit 0
fi

mkdir -p "$cache_root"
staging="$(mktemp -d "$cache_root/.kubeadm-$version.XXXXXX")"
trap 'rm -rf "$staging"' EXIT

# shellcheck source=scripts/k8s-ldflags.sh
source "$here/scripts/k8s-ldflags.sh"
ldflags="$(k8s_ldflags "$module_dir" "$version")"

echo "build-kubeadm: building kubeadm $version into $dest (first build takes a while)" >&2
start=$(date +%s)
(
  cd "$module_dir"
  GOTOOLCHAIN=local CGO_ENABLED=0 go build -mod=readonly -trimpath -ldflags "$ldflags" \
    -o "$staging/bin/" k8s.io/kubernetes/cmd/kubeadm
) || fail "go build failed for k8s.io/kubernetes/cmd/kubeadm $version (module: $module_dir). The Go output above says why; the Go module proxy must be reachable for the first build."

[[ -x "$staging/bin/kubeadm" ]] || fail "go build did not produce kubeadm"
"$staging/bin/kubeadm" version -o short >&2 || fail "the built kubeadm does not run"

elapsed=$(( $(date +%s) - start ))
printf 'version=%s\nbuilt_in_seconds=%s\ngo=%s\n' "$version" "$elapsed" "$(go env GOVERSION)" >"$staging/BUILT"
rm -rf "$dest"
mv "$staging" "$dest"
trap - EXIT
echo "build-kubeadm: built in ${elapsed}s" >&2
echo "$dest"
