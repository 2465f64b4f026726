#!/usr/bin/env bash
# Latency the gateway adds over calling the upstream directly, side by side in one run.
#   scripts/load-test.sh [seconds-per-step] [rounds]      (defaults: 10, 3)
# Starts a zero-latency fake OpenAI upstream and the packaged gateway (`gateway run`: embedded
# PostgreSQL, control plane, ext_proc with quotas and the usage ledger, embedded proxy) on free
# loopback ports with a temporary data directory, configures a provider/model/team/key through the
# admin API, warms both paths up until the JIT has settled, then drives the same ~1 KB chat
# completion at 200, 500 and 1,000 requests per second with `hey` (apt-get install hey): in each
# round once straight at the upstream and once through the gateway, alternating which goes first.
# Prints, per rate, the median over the rounds of each percentile, the added latency, the ratio,
# and the CPU the gateway process and PostgreSQL spent per request. Loopback only; every step
# stops by itself.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
source "$root/scripts/jdk.sh"
seconds=${1:-10}
rounds=${2:-3}
warmup=${LOAD_TEST_WARMUP_SECONDS:-30}
jar="$root/launcher/target/gateway.jar"
[ -f "$jar" ] || { echo "build first: ./gateway --version" >&2; exit 1; }
command -v hey >/dev/null || { echo "needs hey: apt-get install -y hey" >&2; exit 1; }

work=$(mktemp -d)
pids=()
cleanup() { for p in "${pids[@]}"; do kill -TERM "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT
port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

upstream=$(port); admin=$(port); xds=$(port); ext=$(port); proxy=$(port)
token=load-test-admin-token-$(date +%s)-0123456789abcdef
"$JAVA_HOME/bin/java" -cp "$jar" dev.aigateway.fakeprovider.FakeProviderMain "$upstream" 0 >"$work/upstream.log" 2>&1 & pids+=($!)
GATEWAY_ADMIN_TOKEN=$token "$JAVA_HOME/bin/java" -Xmx512m -jar "$jar" run --data-dir "$work/data" --admin-port "$admin" \
  --xds-port "$xds" --ext-proc-port "$ext" --proxy-port "$proxy" >"$work/gateway.log" 2>&1 & gw=$!; pids+=($gw)
until curl -sf "http://127.0.0.1:$admin/readyz" >/dev/null; do sleep 0.2; kill -0 "$gw" || { cat "$work/gateway.log"; exit 1; }; done

api() { curl -sf -X "$1" "http://127.0.0.1:$admin/api/v1$2" -H "Authorization: Bearer $token" -H 'Content-Type: application/json' ${3:+-d "$3"}; }
api POST /providers "{\"name\":\"load\",\"schema\":\"openai_compatible\",\"base_url\":\"http://127.0.0.1:$upstream\",\"settings\":{\"base_path\":\"/v1\"},\"credentials\":[{\"kind\":\"api_key\",\"api_key\":\"sk-load-upstream\"}]}" >/dev/null
api POST /models '{"name":"load-model","targets":[{"provider":"load","model":"fake-model","weight":1,"priority":0}]}' >/dev/null
api POST /teams '{"name":"load"}' >/dev/null
key=$(api POST /keys '{"name":"load","team":"load","allowed_models":[]}' | python3 -c 'import json,sys; print(json.load(sys.stdin)["key"])')
# A quota that applies to every request and is never reached: the gateway does the work it does
# in production (the prompt's token estimate, the fleet counters), not a fast path without quotas.
api POST /quotas '{"scope":"global","metric":"total_tokens","window":"day","limit":1000000000000}' >/dev/null

# A ~1 KB chat completion request.
filler=$(python3 -c 'print(("lorem ipsum dolor sit amet " * 34)[:900])')
body="{\"model\":\"load-model\",\"max_tokens\":16,\"messages\":[{\"role\":\"user\",\"content\":\"$filler\"}]}"
echo "$body" > "$work/body.json"
sed 's/"load-model"/"fake-model"/' "$work/body.json" > "$work/direct.json"

until curl -sf "http://127.0.0.1:$proxy/v1/chat/completions" -H "Authorization: Bearer $key" -H 'Content-Type: application/json' -d @"$work/body.json" >/dev/null; do sleep 0.2; done
direct() { hey "$@" -m POST -T application/json -D "$work/direct.json" "http://127.0.0.1:$upstream/v1/chat/completions"; }
gateway() { hey "$@" -m POST -T application/json -H "Authorization: Bearer $key" -D "$work/body.json" "http://127.0.0.1:$proxy/v1/chat/completions"; }
# Warm up both paths at full speed until the JIT compilers have settled (tens of thousands of
# requests); what follows measures the steady state.
direct -z "${warmup}s" -c 8 >/dev/null
gateway -z "${warmup}s" -c 8 >/dev/null

pct() { awk -v p="$2" '$1==p"%" && $2=="in" {printf "%.3f", $3*1000}' "$1"; }
count() { awk '/\[200\]/ {print $2}' "$1"; }
other() { awk '/Status code distribution/ {f=1; next} f && /\[/ && !/\[200\]/ {n+=$2} END {print n+0}' "$1"; }
median() { sort -g | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
ticks() { awk '{print $14+$15}' "/proc/$1/stat"; }
pg_ticks() { local s=0 p; for p in $(pgrep -f "$work/data/postgres" || true); do s=$((s + $(ticks "$p" 2>/dev/null || echo 0))); done; echo $s; }
hz=$(getconf CLK_TCK)

printf '| rate (req/s) | direct p50 | gateway p50 | added p50 | p50 ratio | direct p99 | gateway p99 | added p99 | gateway CPU / request | PostgreSQL CPU / request | gateway 200s / non-200 |\n'
printf '|---|---|---|---|---|---|---|---|---|---|---|\n'
for rate in 200 500 1000; do
  workers=50; q=$((rate / workers))
  : > "$work/d50"; : > "$work/g50"; : > "$work/d99"; : > "$work/g99"
  ok=0; bad=0; cpu=0; pgcpu=0; served=0
  for round in $(seq "$rounds"); do
    order="direct gateway"; [ $((round % 2)) -eq 0 ] && order="gateway direct"
    for path in $order; do
      out="$work/$path-$rate-$round.txt"
      c0=$(ticks "$gw"); p0=$(pg_ticks)
      "$path" -z "${seconds}s" -q "$q" -c "$workers" > "$out"
      c1=$(ticks "$gw"); p1=$(pg_ticks)
      if [ "$path" = direct ]; then
        pct "$out" 50 >> "$work/d50"; echo >> "$work/d50"; pct "$out" 99 >> "$work/d99"; echo >> "$work/d99"
      else
        pct "$out" 50 >> "$work/g50"; echo >> "$work/g50"; pct "$out" 99 >> "$work/g99"; echo >> "$work/g99"
        n=$(count "$out"); ok=$((ok + n)); bad=$((bad + $(other "$out"))); served=$((served + n))
        cpu=$((cpu + c1 - c0)); pgcpu=$((pgcpu + p1 - p0))
      fi
    done
  done
  d50=$(grep . "$work/d50" | median); g50=$(grep . "$work/g50" | median)
  d99=$(grep . "$work/d99" | median); g99=$(grep . "$work/g99" | median)
  awk -v r="$rate" -v d50="$d50" -v g50="$g50" -v d99="$d99" -v g99="$g99" -v cpu="$cpu" -v pg="$pgcpu" \
    -v n="$served" -v hz="$hz" -v ok="$ok" -v bad="$bad" 'BEGIN {
      printf "| %s | %.2f ms | %.2f ms | %.2f ms | %.2fx | %.2f ms | %.2f ms | %.2f ms | %.3f ms | %.3f ms | %d / %d |\n",
        r, d50, g50, g50 - d50, g50 / d50, d99, g99, g99 - d99, cpu * 1000 / hz / n, pg * 1000 / hz / n, ok, bad }'
done
rss=$(ps -o rss= -p "$gw"); echo; echo "gateway process (all-in-one, -Xmx512m) resident memory after the run: $((rss / 1024)) MiB"
echo "$rounds rounds of ${seconds} s per path and rate; medians over the rounds; load average now: $(cut -d' ' -f1-3 /proc/loadavg)"
