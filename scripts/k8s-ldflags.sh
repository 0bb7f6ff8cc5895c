# Sourced by the build scripts: k8s_ldflags MODULE_DIR VERSION prints the
# version variables Kubernetes' own build sets (hack/lib/version.sh), so that
# GET /version, `kubectl version` and `kubeadm version` report the real
# release. The module zip carries no git metadata: "archive" is what that
# script reports for a source tree without it.
k8s_ldflags() {
  local module_dir="$1" version="$2" minor major release_time pkg flags="-s -w"
  minor="${version#v*.}"
  minor="${minor%%.*}"
  major="${version#v}"
  major="${major%%.*}"
  release_time="$(cd "$module_dir" && go list -m -f '{{with .Time}}{{.UTC.Format "2006-01-02T15:04:05Z"}}{{end}}' k8s.io/kubernetes 2>/dev/null || true)"
  for pkg in k8s.io/client-go/pkg/version k8s.io/component-base/version; do
    flags+=" -X '$pkg.gitVersion=$version' -X '$pkg.gitMajor=$major' -X '$pkg.gitMinor=$minor'"
    flags+=" -X '$pkg.gitTreeState=archive' -X '$pkg.buildDate=${release_time:-1970-01-01T00:00:00Z}'"
  done
  printf '%s' "$flags"
}
