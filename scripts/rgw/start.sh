#!/usr/bin/env bash
# Starts a throwaway single-node Ceph cluster (one mon, one memstore OSD, no mgr) and a radosgw
# on 127.0.0.1, creates an S3 user with known test keys, and writes the endpoint and keys to
# an env file (KEY=value lines; default .local/rgw/env). The same lines go to stdout.
#
#   scripts/rgw/start.sh            # start, or reuse a running gateway from the same state dir
#   . .local/rgw/env                # RGW_ENDPOINT, RGW_ACCESS_KEY_ID, RGW_SECRET_ACCESS_KEY, ...
#   scripts/rgw/stop.sh
#
# Settings (environment): RGW_STATE_DIR (default <repo>/.local/rgw), RGW_PORT (7480),
# RGW_MON_PORT (6789), RGW_ACCESS_KEY_ID / RGW_SECRET_ACCESS_KEY (test keys below).
# Facts behind the ceph.conf: docs/reference/local-s3-servers.md §4 (Ceph 16.2.15).
set -euo pipefail

script_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo_dir=$(cd "$script_dir/../.." && pwd)
state_dir=${RGW_STATE_DIR:-$repo_dir/.local/rgw}
rgw_port=${RGW_PORT:-7480}
mon_port=${RGW_MON_PORT:-6789}
# Known, public test keys: this cluster is loopback-only and thrown away at stop.
access_key=${RGW_ACCESS_KEY_ID:-oss-image-import-test}
secret_key=${RGW_SECRET_ACCESS_KEY:-oss-image-import-test-secret}
user_id=oss-image-import-test
region=us-east-1
endpoint="http://127.0.0.1:$rgw_port"

case "$state_dir" in
  *[[:space:]]*) echo "rgw start: RGW_STATE_DIR must not contain whitespace (got \"$state_dir\")" >&2; exit 2 ;;
esac
for binary in monmaptool ceph-mon ceph ceph-osd radosgw radosgw-admin curl; do
  if ! command -v "$binary" >/dev/null 2>&1; then
    echo "rgw start: $binary is not installed; run scripts/rgw/install.sh first (as root)" >&2
    exit 1
  fi
done

mkdir -p "$state_dir"
state_dir=$(cd "$state_dir" && pwd)
cluster_dir="$state_dir/cluster"
conf="$cluster_dir/ceph.conf"
env_file="$state_dir/env"

started=$(date +%s.%N)
elapsed() { awk -v a="$started" -v b="$(date +%s.%N)" 'BEGIN{printf "%.2f", b-a}'; }
milestone() { echo "rgw start: $1 at $(elapsed) s" >&2; }

gateway_answers() { curl -s -o /dev/null --max-time 2 "$endpoint/"; }

# Reuse a gateway this state dir already runs (developers re-running the script).
if [ -f "$env_file" ] && [ -f "$cluster_dir/run/client.rgw.a.pid" ] &&
   kill -0 "$(cat "$cluster_dir/run/client.rgw.a.pid")" 2>/dev/null && gateway_answers; then
  echo "rgw start: already running at $endpoint (state in $state_dir)" >&2
  cat "$env_file"
  exit 0
fi
# Anything left from an earlier run (crashed daemons, stale files) goes first.
if [ -d "$cluster_dir" ] || [ -f "$env_file" ]; then
  RGW_STATE_DIR="$state_dir" "$script_dir/stop.sh"
fi

port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
for port in "$mon_port" "$rgw_port"; do
  if port_in_use "$port"; then
    echo "rgw start: 127.0.0.1:$port is already in use; stop what listens there or set RGW_PORT / RGW_MON_PORT" >&2
    exit 1
  fi
done

fail() {
  echo "rgw start: $1" >&2
  for log in "$cluster_dir"/log/*.log; do
    [ -f "$log" ] || continue
    echo "--- last lines of $log" >&2
    tail -n 15 "$log" >&2
  done
  RGW_STATE_DIR="$state_dir" "$script_dir/stop.sh" || true
  exit 1
}

mkdir -p "$cluster_dir"/{mon,osd,run,log,rgw}
fsid=$(cat /proc/sys/kernel/random/uuid)
cat >"$conf" <<CONF
[global]
fsid = $fsid
mon host = v1:127.0.0.1:$mon_port
public network = 127.0.0.0/8
auth cluster required = none
auth service required = none
auth client required = none
auth supported = none
osd pool default size = 1
osd pool default min size = 1
osd pool default pg num = 8
osd pool default pgp num = 8
mon allow pool size one = true
mon warn on pool no redundancy = false
osd crush chooseleaf type = 0
# Without these two the OSD sometimes fails with "wrong fsid" on start.
osd crush update on start = false
osd class update on start = false
# Pool creation (also the pools RGW creates lazily) takes ~2 s each without this.
paxos propose interval = 0.05
run dir = $cluster_dir/run
admin socket = $cluster_dir/run/\$name.asok
log file = $cluster_dir/log/\$name.log
pid file = $cluster_dir/run/\$name.pid
mon data = $cluster_dir/mon/\$name
osd data = $cluster_dir/osd/\$name
osd objectstore = memstore
memstore device bytes = 2147483648
ms bind msgr2 = false
mgr initial modules =
[client.rgw.a]
# tcp_nodelay: without it small responses (GetObjectTagging) wait ~40 ms for delayed ACKs.
rgw frontends = beast endpoint=127.0.0.1:$rgw_port tcp_nodelay=1
rgw data = $cluster_dir/rgw
rgw dns name = localhost
rgw enable apis = s3, s3website, admin, sts, iam, notifications
# RGW frees what is deleted (multipart parts, tails past 4 MiB) at a garbage collection, by default
# 2 h after the delete and once an hour: the tests' deletes would not free the 2 GiB memstore in time.
rgw gc obj min wait = 30
rgw gc processor period = 30
CONF

ceph_cli=(timeout 15 ceph -c "$conf" --connect-timeout 10)

# --addv with an explicit v1 address: monmaptool guesses the protocol from the port (6789 is
# v1, 3300 v2, any other port v2), and a v2-only mon never answers our v1-only clients.
monmaptool --create --addv a "[v1:127.0.0.1:$mon_port]" --fsid "$fsid" "$cluster_dir/monmap" >/dev/null 2>&1 ||
  fail "monmaptool failed"
ceph-mon -c "$conf" --mkfs -i a --monmap "$cluster_dir/monmap" >/dev/null 2>&1 || fail "ceph-mon --mkfs failed"
ceph-mon -c "$conf" -i a >/dev/null 2>&1 || fail "ceph-mon did not start"
milestone "mon started"

# Right after the mon starts, a CLI command is sometimes refused ("handle_command on fsid
# 0000… != <fsid>": the client had no monmap yet); retrying a moment later succeeds.
# `osd create <uuid>` is idempotent, so a retry never makes a second OSD.
retry_ceph() {
  local attempt
  for attempt in 1 2 3 4 5 6; do
    "${ceph_cli[@]}" "$@" 2>/dev/null && return 0
    sleep 0.2
  done
  return 1
}
osd_uuid=$(cat /proc/sys/kernel/random/uuid)
osd_id=$(retry_ceph osd create "$osd_uuid") || fail "ceph osd create failed (is the mon up on port $mon_port?)"
mkdir -p "$cluster_dir/osd/osd.$osd_id"
ceph-osd -c "$conf" -i "$osd_id" --osd-uuid "$osd_uuid" --mkfs >/dev/null 2>&1 || fail "ceph-osd --mkfs failed"
retry_ceph osd crush add "osd.$osd_id" 1.0 host=localhost root=default >/dev/null ||
  fail "ceph osd crush add failed"
ceph-osd -c "$conf" -i "$osd_id" >/dev/null 2>&1 || fail "ceph-osd did not start"
milestone "osd started"

radosgw -c "$conf" -n client.rgw.a >/dev/null 2>&1 || fail "radosgw did not start"
for _ in $(seq 1 300); do
  gateway_answers && break
  sleep 0.1
done
gateway_answers || fail "radosgw did not answer on $endpoint within 30 s"
milestone "gateway answering on $endpoint"

timeout 30 radosgw-admin -c "$conf" user create --uid="$user_id" --display-name="$user_id" \
  --access-key="$access_key" --secret-key="$secret_key" >/dev/null 2>&1 || fail "radosgw-admin user create failed"
milestone "user $user_id created"

# Warm-up: the first bucket, object and multipart initiation make RGW create its index and
# data pools (hundreds of ms each); do them here so tests and benchmarks do not pay for it.
s3() {
  curl -sf --max-time 20 --aws-sigv4 "aws:amz:$region:s3" --user "$access_key:$secret_key" \
    -H "x-amz-content-sha256: UNSIGNED-PAYLOAD" "$@"
}
warm_bucket="rgw-start-warm-up"
s3 -o /dev/null -X PUT "$endpoint/$warm_bucket" || fail "warm-up: CreateBucket failed"
s3 -o /dev/null -X PUT --data-binary "warm-up" "$endpoint/$warm_bucket/object" || fail "warm-up: PutObject failed"
upload_id=$(s3 -X POST "$endpoint/$warm_bucket/multipart?uploads=" | sed -n 's:.*<UploadId>\(.*\)</UploadId>.*:\1:p') ||
  fail "warm-up: CreateMultipartUpload failed"
s3 -o /dev/null -X DELETE "$endpoint/$warm_bucket/multipart?uploadId=$upload_id" || fail "warm-up: AbortMultipartUpload failed"
s3 -o /dev/null -X DELETE "$endpoint/$warm_bucket/object" || fail "warm-up: DeleteObject failed"
s3 -o /dev/null -X DELETE "$endpoint/$warm_bucket" || fail "warm-up: DeleteBucket failed"
milestone "warm-up done"

cat >"$env_file.tmp" <<ENV
RGW_ENDPOINT=$endpoint
RGW_REGION=$region
RGW_ACCESS_KEY_ID=$access_key
RGW_SECRET_ACCESS_KEY=$secret_key
RGW_USER_ID=$user_id
RGW_CEPH_CONF=$conf
RGW_STATE_DIR=$state_dir
ENV
mv "$env_file.tmp" "$env_file"
echo "rgw start: ready in $(elapsed) s; env in $env_file" >&2
cat "$env_file"
