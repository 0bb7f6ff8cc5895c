#!/usr/bin/env bash
# Installs the real components the tests run against, only when missing.
# Safe to run again; each block below checks before it installs.
set -euo pipefail

as_root() {
  if [[ "$(id -u)" -eq 0 ]]; then "$@"; else sudo "$@"; fi
}

apt_updated=false
apt_install() {
  if [[ "$apt_updated" == false ]]; then
    as_root apt-get update -qq
    apt_updated=true
  fi
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}

# Debian's etcd-server and etcd-client (3.4.23 on bookworm): the snapshot tests
# start their own etcd on random ports and compare kcheck with etcdctl.
if ! command -v etcd >/dev/null 2>&1 || ! command -v etcdctl >/dev/null 2>&1; then
  apt_install etcd-server etcd-client
  # The package enables a system etcd on port 2379; the tests need none.
  if command -v systemctl >/dev/null 2>&1 && systemctl is-active --quiet etcd 2>/dev/null; then
    as_root systemctl disable --now etcd >/dev/null 2>&1 || true
  fi
fi
echo "etcd $(etcd --version | sed -n 's/^etcd Version: //p'), etcdctl $(etcdctl version | sed -n 's/^etcdctl version: //p')"

# Debian's chromium: the HTML report is rendered headless, screenshotted, and
# checked for script errors. xmllint (libxml2-utils) validates the JUnit report.
if ! command -v chromium >/dev/null 2>&1; then
  apt_install chromium
fi
if ! command -v xmllint >/dev/null 2>&1; then
  apt_install libxml2-utils
fi
echo "$(chromium --version 2>/dev/null), $(xmllint --version 2>&1 | head -n 1)"
