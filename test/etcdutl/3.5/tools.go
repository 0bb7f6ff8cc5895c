//go:build tools

// Pins the etcdutl command scripts/build-etcdutl.sh builds, so `go mod tidy`
// keeps everything it needs in go.sum.
package tools

import (
	_ "go.etcd.io/etcd/etcdutl/v3"
)
