#!/usr/bin/env bash
# Debian packages the test suite uses to make real disk images: qemu-img, partitioning tools,
# and the compressors whose outputs the inspector must recognise. Idempotent and quiet.
set -euo pipefail

packages=(qemu-utils fdisk gdisk genisoimage xz-utils zstd bzip2 gzip zip tar)
binaries=(qemu-img sfdisk sgdisk genisoimage xz zstd bzip2 gzip zip tar)

missing=()
for binary in "${binaries[@]}"; do
  command -v "$binary" >/dev/null 2>&1 || missing+=("$binary")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "debian packages: already installed" >&2
  exit 0
fi

log=$(mktemp)
trap 'rm -f "$log"' EXIT
if ! { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${packages[@]}"; } >"$log" 2>&1; then
  tail -n 40 "$log" >&2
  echo "debian packages: apt-get install ${packages[*]} failed (last 40 lines above)" >&2
  exit 1
fi
echo "debian packages: installed ${packages[*]}" >&2
