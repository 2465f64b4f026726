#!/usr/bin/env bash
# Measures how long `gateway run` takes from launch to /readyz = 200 with the jar already built
# and an existing data directory (a "second start"). Prints each run and the median.
#   scripts/measure-startup.sh [runs]      (default 5; uses free ports and a temporary data dir)
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
source "$root/scripts/jdk.sh"
runs=${1:-5}
jar="$root/launcher/target/gateway.jar"
[ -f "$jar" ] || { echo "build first: ./gateway --version" >&2; exit 1; }
data=$(mktemp -d)
trap 'rm -rf "$data"' EXIT
port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
times=()
for i in $(seq 0 "$runs"); do
  admin=$(port); xds=$(port); ext=$(port)
  start=$(date +%s%N)
  java -jar "$jar" run --data-dir "$data" --admin-port "$admin" --xds-port "$xds" --ext-proc-port "$ext" >/dev/null 2>&1 &
  pid=$!
  until curl -sf "http://127.0.0.1:$admin/readyz" >/dev/null; do sleep 0.05; done
  ms=$(( ($(date +%s%N) - start) / 1000000 ))
  kill -TERM "$pid"; wait "$pid" || true
  if [ "$i" -eq 0 ]; then echo "first start (creates the data directory): ${ms} ms"; continue; fi
  echo "second start #$i: ${ms} ms"; times+=("$ms")
done
printf '%s\n' "${times[@]}" | sort -n | awk '{a[NR]=$1} END {m=(NR%2)?a[(NR+1)/2]:(a[NR/2]+a[NR/2+1])/2; print "median second start: " m " ms over " NR " runs"}'
