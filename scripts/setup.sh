#!/usr/bin/env bash
# All set-up on a fresh machine: system packages the tests need (Chromium for the dashboard
# test, docker-compose to validate the compose file, musl-tools for the native probe's musl
# build), the npm packages, and the build (TypeScript and the native C probe). Safe to run again.
set -euo pipefail
cd "$(dirname "$0")/.."

need=()
command -v chromium >/dev/null 2>&1 || need+=(chromium)
command -v docker-compose >/dev/null 2>&1 || need+=(docker-compose)
command -v cc >/dev/null 2>&1 || need+=(gcc)
command -v make >/dev/null 2>&1 || need+=(make)
command -v musl-gcc >/dev/null 2>&1 || need+=(musl-tools)
command -v redis-server >/dev/null 2>&1 || need+=(redis-server)
if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "setup: installing ${need[*]} with apt-get"
    apt-get update -qq >/dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
  else
    echo "setup: please install ${need[*]} (not root or no apt-get); continuing without" >&2
  fi
fi

npm ci --no-audit --no-fund
npm run build
