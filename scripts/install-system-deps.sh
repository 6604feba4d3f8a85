#!/usr/bin/env bash
# Installs the Debian packages the local stack and the tests need when missing (redis-server, maven, JDK 17, unzip, docker-compose for validation).
# Idempotent: does nothing when everything is there. Needs root only when something is missing.
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive

java_home=${SPAMTRAP_JAVA_HOME:-/usr/lib/jvm/java-17-openjdk-amd64}
need=()
command -v redis-server >/dev/null 2>&1 || need+=(redis-server)
command -v mvn >/dev/null 2>&1 || need+=(maven)
[ -x "$java_home/bin/java" ] || need+=(openjdk-17-jre-headless)
command -v unzip >/dev/null 2>&1 || need+=(unzip)
# docker-compose only validates docker-compose.yml (no Docker engine is needed or started).
command -v docker-compose >/dev/null 2>&1 || need+=(docker-compose)

if [ "${#need[@]}" -gt 0 ]; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "install-system-deps: missing ${need[*]}; run as root or: sudo apt-get install -y ${need[*]}" >&2
    exit 1
  fi
  echo "install-system-deps: installing ${need[*]}"
  t0=$(date +%s)
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${need[@]}" </dev/null >/dev/null
  echo "install-system-deps: installed in $(($(date +%s) - t0))s"
fi

node_major=$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)
if [ "$node_major" -lt 20 ]; then
  echo "install-system-deps: Node 20 or newer is required (found $(node --version 2>/dev/null || echo none))" >&2
  exit 1
fi
echo "install-system-deps: node $(node --version), npm $(npm --version), $("$java_home/bin/java" -version 2>&1 | head -n 1), $(mvn -B -v 2>/dev/null | head -n 1 | sed 's/\x1b\[[0-9;]*m//g')"
