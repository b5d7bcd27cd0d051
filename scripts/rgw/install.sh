#!/usr/bin/env bash
# Installs the Debian packages for a throwaway single-node Ceph cluster (mon + memstore OSD)
# and radosgw. Idempotent: when every binary is present it exits at once without touching apt.
# Needs root (or sudo). Tested on Debian 12 (bookworm), Ceph 16.2.15.
set -euo pipefail

needed_binaries=(monmaptool ceph-mon ceph ceph-osd radosgw radosgw-admin curl)
# ceph-mgr is deliberately absent: RGW does not need it and it costs ~300 MB RSS.
packages=(ceph-mon ceph-osd radosgw curl ca-certificates)

missing=()
for binary in "${needed_binaries[@]}"; do
  command -v "$binary" >/dev/null 2>&1 || missing+=("$binary")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "rgw install: already installed (radosgw $(radosgw --version 2>/dev/null | awk '{print $3}'))" >&2
  exit 0
fi

run_as_root=()
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then
    run_as_root=(sudo)
  else
    echo "rgw install: ${missing[*]} missing; run this script as root (or install sudo) to install ${packages[*]}" >&2
    exit 1
  fi
fi

started=$(date +%s.%N)
# apt and dpkg are chatty (maintainer scripts write to stderr); keep their output in a log
# and show it only when something fails.
log=$(mktemp -t rgw-install.XXXXXX.log)
trap 'rm -f "$log"' EXIT
if ! {
  "${run_as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -qq &&
  "${run_as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
    -o Dpkg::Use-Pty=0 -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold \
    "${packages[@]}"
} >"$log" 2>&1; then
  tail -n 40 "$log" >&2
  echo "rgw install: apt-get failed installing ${packages[*]} (last 40 lines above)" >&2
  exit 1
fi
finished=$(date +%s.%N)
echo "rgw install: installed ${packages[*]} (radosgw $(radosgw --version | awk '{print $3}')) in $(awk -v a="$started" -v b="$finished" 'BEGIN{printf "%.1f", b-a}') s" >&2
