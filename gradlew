#!/usr/bin/env bash
# Runs Gradle for this repository, first installing with apt-get what a fresh machine lacks:
# Debian's gradle package (4.4.1, the only Gradle reachable here), and the real peers the tests
# start (openssl, gnutls-cli, nginx, curl). This is not the standard Gradle wrapper: the Gradle
# distribution server is out of reach, Debian's packages are not. A modern Gradle on PATH is used as it is.
set -euo pipefail
cd "$(dirname "$0")"

missing=()
command -v gradle >/dev/null || missing+=(gradle)
command -v javac >/dev/null || missing+=(openjdk-17-jdk-headless)
command -v openssl >/dev/null || missing+=(openssl)
command -v gnutls-cli >/dev/null || missing+=(gnutls-bin)
# curl --cert-status: the Netty tests (OpenSSL and JDK providers).
command -v curl >/dev/null || missing+=(curl)
# /usr/sbin is not on every user's PATH; the nginx test runs this binary.
[ -x /usr/sbin/nginx ] || missing+=(nginx)
# The shared store's tests start a real Redis (cli/tests/cli_fleet.rs).
command -v redis-server >/dev/null || missing+=(redis-server)
if ((${#missing[@]})); then
  echo "gradlew: installing ${missing[*]} with apt-get" >&2
  sudo=()
  [ "$(id -u)" -eq 0 ] || sudo=(sudo)
  "${sudo[@]}" apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq "${missing[@]}" >&2
fi

exec gradle "$@"
