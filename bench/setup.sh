#!/usr/bin/env bash
# `make bench` runs this first: the Debian packages the benchmark needs, installed when missing.
#   wrk                       drives the throughput load (without it that step of `python -m bench` fails)
#   postgresql-N-postgis-3    the PostGIS reference (N = the running PostgreSQL server's major version)
#   chromium, fonts-wqy-microhei   the phone-page benchmark (bench.pages): Debian's Chromium and a CJK font
# Needs root for apt-get; without it, it says what to install and the benchmark goes on without them.
set -euo pipefail

major=$(psql -h 127.0.0.1 -U postgres -Atc "SHOW server_version_num" 2>/dev/null | cut -c1-2 || true)
packages=(wrk chromium fonts-wqy-microhei)
[ -n "$major" ] && packages+=("postgresql-$major-postgis-3")

missing=()
for pkg in "${packages[@]}"; do dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg"); done
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -ne 0 ] || ! command -v apt-get >/dev/null; then
    echo "bench: please install ${missing[*]} (apt-get); measuring without them" >&2
    exit 0
fi
echo "bench: apt-get install ${missing[*]}"
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
