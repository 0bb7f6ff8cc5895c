//go:build tools

// Pins the commands scripts/build-test-cluster.sh builds, so `go mod tidy`
// keeps everything they need in go.sum.
package tools

import (
	_ "k8s.io/kubernetes/cmd/kube-apiserver"
	_ "k8s.io/kubernetes/cmd/kubeadm" // scripts/build-kubeadm.sh
	_ "k8s.io/kubernetes/cmd/kubectl"
)
