#!/usr/bin/env bash
# Latency the gateway adds over calling the upstream directly, side by side in one run.
#   scripts/load-test.sh [seconds-per-step] [rounds] [rates]      (defaults: 10, 3, 200,500,1000)
# Starts a zero-latency fake OpenAI upstream and the packaged gateway (`gateway run`: embedded
# PostgreSQL, control plane, ext_proc with quotas and the usage ledger, embedded proxy) on free
# loopback ports with a temporary data directory, configures a provider/model/team/key/quota
# through the admin API, then runs scripts/LoadGen.java: an open-loop client that sends the same
# ~1 KB chat completion at evenly spaced instants, warms both paths up, and for each rate runs
# every round once straight at the upstream and once through the gateway (alternating which goes
# first). It prints the medians over the rounds, the added latency, the ratio, and the CPU that the
# gateway process and PostgreSQL spent per request. Loopback only; every step stops by itself.
# LOAD_TEST_WARMUP_SECONDS (default 240) bounds the warm-up, which ends once the JIT is idle;
# LOAD_TEST_JAVA_OPTS replaces the gateway's JVM options (default: those of ./gateway, scripts/jdk.sh).
# LOAD_TEST_PORTS=FIRST-LAST keeps every port the run opens (upstream, admin, xDS, ext_proc, proxy)
# in that range.
#
# A/B mode: two gateways (jar and JVM options each; NAME=value words among the options are set in
# that gateway's environment) up at the same time, the same upstream, one rate:
#   scripts/load-test.sh --ab JAR_A "JVM_OPTS_A" JAR_B "JVM_OPTS_B" [rate=500] [seconds=15] [rounds=6]
# runs the rounds alternately through A and B and prints each step, the medians and B / A.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
source "$root/scripts/jdk.sh"
warmup=${LOAD_TEST_WARMUP_SECONDS:-240}

work=$(mktemp -d)
pids=()
cleanup() { for p in "${pids[@]}"; do kill -TERM "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT
# LOAD_TEST_PORTS=FIRST-LAST hands out free ports from that range only (a shared machine where
# each user has a range); unset, any free port.
port() {
  python3 - "${LOAD_TEST_PORTS:-}" "$work/ports-used" <<'PY'
import socket, sys, os
rng, used_file = sys.argv[1], sys.argv[2]
used = set(open(used_file).read().split()) if os.path.exists(used_file) else set()
candidates = range(int(rng.split("-")[0]), int(rng.split("-")[1]) + 1) if rng else [0]
for p in candidates:
    if str(p) in used:
        continue
    s = socket.socket()
    try:
        s.bind(("127.0.0.1", p))
    except OSError:
        continue
    port = s.getsockname()[1]
    s.close()
    with open(used_file, "a") as f:
        f.write(f"{port}\n")
    print(port)
    break
else:
    sys.exit("no free port in " + rng)
PY
}

# A ~1 KB chat completion request.
filler=$(python3 -c 'print(("lorem ipsum dolor sit amet " * 34)[:900])')
echo "{\"model\":\"load-model\",\"max_tokens\":16,\"messages\":[{\"role\":\"user\",\"content\":\"$filler\"}]}" > "$work/body.json"
sed 's/"load-model"/"fake-model"/' "$work/body.json" > "$work/direct.json"

upstream=$(port)
start_upstream() { # JAR
  "$JAVA_HOME/bin/java" -cp "$1" dev.aigateway.fakeprovider.FakeProviderMain "$upstream" 0 >"$work/upstream.log" 2>&1 & pids+=($!)
}

# start_gateway NAME JAR JVM_OPTS: starts and configures one gateway; sets gw_pid, gw_url, gw_key.
start_gateway() {
  local name=$1 jar=$2 opts=$3 dir="$work/$1" admin xds ext proxy token
  mkdir -p "$dir"
  admin=$(port); xds=$(port); ext=$(port); proxy=$(port)
  token=load-test-admin-token-$(date +%s)-0123456789abcdef
  # The options are words: NAME=value ones go to the environment (MALLOC_ARENA_MAX=2), the rest
  # to the JVM.
  local envs=() jvm=() word
  for word in $opts; do
    if [[ $word =~ ^[A-Z_][A-Z0-9_]*= ]]; then envs+=("$word"); else jvm+=("$word"); fi
  done
  # The fake upstream listens on loopback, which provider addresses may name only when allowed.
  env GATEWAY_ALLOW_PRIVATE_UPSTREAMS=true GATEWAY_ADMIN_TOKEN="$token" "${envs[@]}" "$JAVA_HOME/bin/java" "${jvm[@]}" -jar "$jar" run --data-dir "$dir/data" --admin-port "$admin" \
    --xds-port "$xds" --ext-proc-port "$ext" --proxy-port "$proxy" >"$dir/gateway.log" 2>&1 & gw_pid=$!; pids+=($gw_pid)
  until curl -sf "http://127.0.0.1:$admin/readyz" >/dev/null; do sleep 0.2; kill -0 "$gw_pid" || { cat "$dir/gateway.log"; exit 1; }; done
  api() { curl -sf -X "$1" "http://127.0.0.1:$admin/api/v1$2" -H "Authorization: Bearer $token" -H 'Content-Type: application/json' ${3:+-d "$3"}; }
  # The base URL in the OpenAI SDK's form (the API root, /v1); a build from before that form
  # (A in an A/B run) takes the host and settings.base_path instead, and refuses neither.
  api POST /providers "{\"name\":\"load\",\"schema\":\"openai_compatible\",\"base_url\":\"http://127.0.0.1:$upstream\",\"settings\":{\"base_path\":\"/v1\"},\"credentials\":[{\"kind\":\"api_key\",\"api_key\":\"sk-load-upstream\"}]}" >/dev/null 2>&1 \
    || api POST /providers "{\"name\":\"load\",\"schema\":\"openai_compatible\",\"base_url\":\"http://127.0.0.1:$upstream/v1\",\"credentials\":[{\"kind\":\"api_key\",\"api_key\":\"sk-load-upstream\"}]}" >/dev/null
  api POST /models '{"name":"load-model","targets":[{"provider":"load","model":"fake-model","weight":1,"priority":0}]}' >/dev/null
  api POST /teams '{"name":"load"}' >/dev/null
  gw_key=$(api POST /keys '{"name":"load","team":"load","allowed_models":[]}' | python3 -c 'import json,sys; print(json.load(sys.stdin)["key"])')
  # A quota that applies to every request and is never reached: the gateway does the work it does
  # in production (the prompt's token estimate, the fleet counters), not a fast path without quotas.
  api POST /quotas '{"scope":"global","metric":"total_tokens","window":"day","limit":1000000000000}' >/dev/null
  gw_url="http://127.0.0.1:$proxy/v1/chat/completions"
  until curl -sf "$gw_url" -H "Authorization: Bearer $gw_key" -H 'Content-Type: application/json' -d @"$work/body.json" >/dev/null; do sleep 0.2; done
}

"$JAVA_HOME/bin/javac" -d "$work/loadgen" "$root/scripts/LoadGen.java"
# CPU time the hypervisor gave to other tenants (the "steal" column of /proc/stat, in 1/100 s).
steal() { awk '/^cpu / {print $9}' /proc/stat; }
steal0=$(steal)
report_steal() { echo "steal during the run: $(( ($(steal) - steal0) / 100 )) s of CPU (other tenants of the host)"; }

if [ "${1:-}" = "--ab" ]; then
  [ $# -ge 5 ] || { echo "usage: $0 --ab JAR_A JVM_OPTS_A JAR_B JVM_OPTS_B [rate] [seconds] [rounds]" >&2; exit 2; }
  start_upstream "$2"
  start_gateway a "$2" "$3"; pid_a=$gw_pid; url_a=$gw_url; key_a=$gw_key
  start_gateway b "$4" "$5"; pid_b=$gw_pid; url_b=$gw_url; key_b=$gw_key
  echo "A: $2 $3"
  echo "B: $4 $5"
  "$JAVA_HOME/bin/java" -cp "$work/loadgen" LoadGen ab "$url_a" "$work/body.json" "Bearer $key_a" "$pid_a" \
    "$url_b" "Bearer $key_b" "$pid_b" "${6:-500}" "${7:-15}" "${8:-6}" "$warmup"
  echo
  echo "resident memory after the run: A $(($(ps -o rss= -p "$pid_a") / 1024)) MiB, B $(($(ps -o rss= -p "$pid_b") / 1024)) MiB;" \
    "load average now: $(cut -d' ' -f1-3 /proc/loadavg)"
  report_steal
  exit 0
fi

seconds=${1:-10}
rounds=${2:-3}
rates=${3:-200,500,1000}
jar="$root/launcher/target/gateway.jar"
[ -f "$jar" ] || { echo "build first: ./gateway --version" >&2; exit 1; }
opts=${LOAD_TEST_JAVA_OPTS-$GATEWAY_DEFAULT_JAVA_OPTS}
start_upstream "$jar"
start_gateway gateway "$jar" "$opts"
postmaster=$(pgrep -f -- "-D $work/gateway/data/postgres")
"$JAVA_HOME/bin/java" -cp "$work/loadgen" LoadGen \
  "http://127.0.0.1:$upstream/v1/chat/completions" "$work/direct.json" \
  "$gw_url" "$work/body.json" "Bearer $gw_key" "$gw_pid" \
  "$rates" "$seconds" "$rounds" "$warmup" $postmaster $(pgrep -P "$postmaster")
echo
echo "gateway process (all-in-one, $opts) resident memory after the run: $(($(ps -o rss= -p "$gw_pid") / 1024)) MiB"
echo "$rounds rounds of ${seconds} s per path and rate, 64 connections; medians over the rounds;" \
  "load average now: $(cut -d' ' -f1-3 /proc/loadavg)"
report_steal
