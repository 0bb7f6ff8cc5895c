#!/usr/bin/env bash
# Builds Pluto (github.com/FairwindsOps/pluto), the reference the manifest
# tree benchmark compares kcheck's speed and removed/deprecated API findings
# with (test/bench/manifest-tree.ts).
#
# The binary goes to a cache outside the work tree, one folder per release,
# so only the first run pays for the build:
#   ${KCHECK_CACHE:-$HOME/.cache/kcheck}/pluto/<version>/bin/pluto
# Source: the Go module proxy (go install github.com/fairwindsops/pluto/v5@<version>);
# when the proxy does not serve that module, a git clone of the repository
# named by KCHECK_PLUTO_SRC (its tag <version> is built; the dependencies
# still come from the proxy). When the binary is already there this does
# nothing else. The last line printed on stdout is always the binary's folder.
set -euo pipefail

version="${KCHECK_PLUTO_VERSION:-v5.24.0}"

fail() {
  echo "build-pluto: $*" >&2
  exit 1
}

command -v go >/dev/null 2>&1 || fail "go is not installed; Pluto is built from source with Go"

cache_root="${KCHECK_CACHE:-$HOME/.cache/kcheck}"
dest="$cache_root/pluto/$version"
if [[ -x "$dest/bin/pluto" && -f "$dest/BUILT" ]]; then
  echo "$dest/bin"
  exit 0
fi

mkdir -p "$cache_root/pluto"
staging="$(mktemp -d "$cache_root/pluto/.$version.XXXXXX")"
trap 'rm -rf "$staging"' EXIT

# Pluto's Makefile: CGO_ENABLED=0 and the version in main.version. GOTOOLCHAIN=local: the installed Go.
ldflags="-s -w -X main.version=${version#v}"
start=$(date +%s)
echo "build-pluto: building Pluto $version into $dest" >&2
if GOTOOLCHAIN=local CGO_ENABLED=0 GOFLAGS=-mod=mod GOBIN="$staging/bin" \
  go install -trimpath -ldflags "$ldflags" "github.com/fairwindsops/pluto/v5@$version" >&2; then
  source="module proxy"
elif [[ -n "${KCHECK_PLUTO_SRC:-}" ]]; then
  echo "build-pluto: the module proxy does not serve Pluto $version; building it from $KCHECK_PLUTO_SRC" >&2
  mkdir -p "$staging/src"
  git -C "$KCHECK_PLUTO_SRC" archive --format=tar "$version" | tar -x -C "$staging/src" \
    || fail "cannot read tag $version from the git repository $KCHECK_PLUTO_SRC"
  (
    cd "$staging/src"
    GOTOOLCHAIN=local CGO_ENABLED=0 GOFLAGS=-mod=mod go build -trimpath -ldflags "$ldflags" -o "$staging/bin/pluto" ./cmd/pluto
  ) >&2 || fail "go build failed for Pluto $version from $KCHECK_PLUTO_SRC (the Go output above says why)"
  source="$KCHECK_PLUTO_SRC"
else
  fail "the module proxy does not serve github.com/fairwindsops/pluto/v5@$version; set KCHECK_PLUTO_SRC to a git clone of https://github.com/FairwindsOps/pluto to build it from there"
fi

[[ -x "$staging/bin/pluto" ]] || fail "the build did not produce bin/pluto"
"$staging/bin/pluto" version >&2 || fail "the built pluto does not run"
elapsed=$(( $(date +%s) - start ))
printf 'version=%s\nsource=%s\nbuilt_in_seconds=%s\ngo=%s\n' "$version" "$source" "$elapsed" "$(go env GOVERSION)" >"$staging/BUILT"
rm -rf "$staging/src"
rm -rf "$dest"
mv "$staging" "$dest"
trap - EXIT
echo "build-pluto: $version built in ${elapsed}s" >&2
echo "$dest/bin"
