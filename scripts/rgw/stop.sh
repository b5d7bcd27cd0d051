#!/usr/bin/env bash
# Stops the cluster started by start.sh (same RGW_STATE_DIR) and removes its state: the OSD
# keeps data in RAM (memstore), so nothing worth keeping is lost. Safe to run when nothing runs.
set -euo pipefail

script_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo_dir=$(cd "$script_dir/../.." && pwd)
state_dir=${RGW_STATE_DIR:-$repo_dir/.local/rgw}
if [ ! -d "$state_dir" ]; then
  echo "rgw stop: nothing to stop ($state_dir does not exist)" >&2
  exit 0
fi
state_dir=$(cd "$state_dir" && pwd)
cluster_dir="$state_dir/cluster"
conf="$cluster_dir/ceph.conf"

# Only signal processes whose command line names this cluster's ceph.conf, so a reused PID
# or another developer's cluster is never touched.
ours() {
  local pid=$1
  [ -r "/proc/$pid/cmdline" ] && tr '\0' ' ' <"/proc/$pid/cmdline" | grep -qF -- "$conf"
}

pids=()
for pid_file in "$cluster_dir"/run/*.pid; do
  [ -f "$pid_file" ] || continue
  pid=$(cat "$pid_file")
  if [[ "$pid" =~ ^[0-9]+$ ]] && ours "$pid"; then
    pids+=("$pid")
  fi
done

if [ ${#pids[@]} -gt 0 ]; then
  # SIGKILL at once: the OSD and radosgw ignore SIGTERM for more than 2 s, and everything
  # they hold (memstore data, the mon store) is deleted below anyway.
  kill -KILL "${pids[@]}" 2>/dev/null || true
  # Wait for the kernel to release the ports before a restart binds them again.
  for _ in $(seq 1 50); do
    alive=()
    for pid in "${pids[@]}"; do
      ours "$pid" && alive+=("$pid")
    done
    [ ${#alive[@]} -eq 0 ] && break
    sleep 0.1
  done
fi

rm -rf "$cluster_dir" "$state_dir/env" "$state_dir/env.tmp"
rmdir "$state_dir" 2>/dev/null || true
echo "rgw stop: stopped ${#pids[@]} daemon(s); removed $cluster_dir" >&2
