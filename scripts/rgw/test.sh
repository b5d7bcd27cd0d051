#!/usr/bin/env bash
# `npm run test:rgw`: the RGW suite in one command. Starts RGW when it is installed and not
# already running (and stops it afterwards), then runs test/rgw. Without radosgw installed the
# suite reports itself as skipped, with the reason; under CI=true it fails instead.
# Extra arguments go to node --test (e.g. --test-name-pattern=multipart).
set -euo pipefail

script_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo_dir=$(cd "$script_dir/../.." && pwd)
cd "$repo_dir"
state_dir=${RGW_STATE_DIR:-$repo_dir/.local/rgw}

if [ -n "${RGW_ENDPOINT:-}" ]; then
  echo "rgw test: using RGW_ENDPOINT=$RGW_ENDPOINT" >&2
elif [ -f "$state_dir/env" ] && curl -s -o /dev/null --max-time 2 "$(sed -n 's/^RGW_ENDPOINT=//p' "$state_dir/env")/"; then
  echo "rgw test: using the running RGW ($state_dir/env)" >&2
elif command -v radosgw >/dev/null 2>&1; then
  trap '"$script_dir/stop.sh"' EXIT
  "$script_dir/start.sh" >/dev/null
else
  echo "rgw test: radosgw is not installed, so the RGW suite will be skipped; install it with: sudo scripts/rgw/install.sh" >&2
fi

node --import tsx --test --test-concurrency=2 "$@" test/rgw/*.test.ts
