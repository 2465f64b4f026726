#!/usr/bin/env bash
# Latency the gateway adds over calling the upstream directly, side by side in one run.
#   scripts/load-test.sh [seconds-per-step]      (default 15)
# Starts a zero-latency fake OpenAI upstream and the packaged gateway (`gateway run`: embedded
# PostgreSQL, control plane, ext_proc, embedded proxy) on free loopback ports with a temporary data
# directory, configures a provider/model/key through the admin API, then drives the same 1 KB
# chat completion at 200, 500 and 1,000 requests per second with `hey` (apt-get install hey), first
# straight at the upstream, then through the gateway. Loopback only; every step stops by itself.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
source "$root/scripts/jdk.sh"
seconds=${1:-15}
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
java -cp "$jar" dev.aigateway.fakeprovider.FakeProviderMain "$upstream" 0 >"$work/upstream.log" 2>&1 & pids+=($!)
GATEWAY_ADMIN_TOKEN=$token java -Xmx512m -jar "$jar" run --data-dir "$work/data" --admin-port "$admin" \
  --xds-port "$xds" --ext-proc-port "$ext" --proxy-port "$proxy" >"$work/gateway.log" 2>&1 & gw=$!; pids+=($gw)
until curl -sf "http://127.0.0.1:$admin/readyz" >/dev/null; do sleep 0.2; kill -0 "$gw" || { cat "$work/gateway.log"; exit 1; }; done

api() { curl -sf -X "$1" "http://127.0.0.1:$admin/api/v1$2" -H "Authorization: Bearer $token" -H 'Content-Type: application/json' ${3:+-d "$3"}; }
api POST /providers "{\"name\":\"load\",\"schema\":\"openai_compatible\",\"base_url\":\"http://127.0.0.1:$upstream\",\"settings\":{\"base_path\":\"/v1\"},\"credentials\":[{\"kind\":\"api_key\",\"api_key\":\"sk-load-upstream\"}]}" >/dev/null
api POST /models '{"name":"load-model","targets":[{"provider":"load","model":"fake-model","weight":1,"priority":0}]}' >/dev/null
api POST /teams '{"name":"load"}' >/dev/null
key=$(api POST /keys '{"name":"load","team":"load","allowed_models":[]}' | python3 -c 'import json,sys; print(json.load(sys.stdin)["key"])')

# A ~1 KB chat completion request.
filler=$(python3 -c 'print(("lorem ipsum dolor sit amet " * 34)[:900])')
body="{\"model\":\"load-model\",\"max_tokens\":16,\"messages\":[{\"role\":\"user\",\"content\":\"$filler\"}]}"
echo "$body" > "$work/body.json"
direct_body=$(sed 's/"load-model"/"fake-model"/' "$work/body.json"); echo "$direct_body" > "$work/direct.json"

until curl -sf "http://127.0.0.1:$proxy/v1/chat/completions" -H "Authorization: Bearer $key" -H 'Content-Type: application/json' -d @"$work/body.json" >/dev/null; do sleep 0.2; done
# Warm up both paths (JIT, connection pools).
hey -z 5s -q 20 -c 20 -m POST -T application/json -D "$work/direct.json" "http://127.0.0.1:$upstream/v1/chat/completions" >/dev/null
hey -z 5s -q 20 -c 20 -m POST -T application/json -H "Authorization: Bearer $key" -D "$work/body.json" "http://127.0.0.1:$proxy/v1/chat/completions" >/dev/null

pct() { awk -v p="$2" '$1==p"%" && $2=="in" {printf "%.2f", $3*1000}' "$1"; }
ok() { awk '/\[200\]/ {print $2}' "$1"; }
other() { awk '/Status code distribution/ {f=1; next} f && /\[/ && !/\[200\]/ {n+=$2} END {print n+0}' "$1"; }
printf '| rate (req/s) | direct p50 | gateway p50 | added p50 | direct p99 | gateway p99 | added p99 | gateway 200s / non-200 |\n'
printf '|---|---|---|---|---|---|---|---|\n'
for rate in 200 500 1000; do
  workers=50; q=$((rate / workers))
  hey -z "${seconds}s" -q "$q" -c "$workers" -m POST -T application/json -D "$work/direct.json" \
    "http://127.0.0.1:$upstream/v1/chat/completions" > "$work/direct-$rate.txt"
  hey -z "${seconds}s" -q "$q" -c "$workers" -m POST -T application/json -H "Authorization: Bearer $key" \
    -D "$work/body.json" "http://127.0.0.1:$proxy/v1/chat/completions" > "$work/gateway-$rate.txt"
  d50=$(pct "$work/direct-$rate.txt" 50); g50=$(pct "$work/gateway-$rate.txt" 50)
  d99=$(pct "$work/direct-$rate.txt" 99); g99=$(pct "$work/gateway-$rate.txt" 99)
  printf '| %s | %s ms | %s ms | %.2f ms | %s ms | %s ms | %.2f ms | %s / %s |\n' "$rate" "$d50" "$g50" \
    "$(echo "$g50 - $d50" | bc)" "$d99" "$g99" "$(echo "$g99 - $d99" | bc)" "$(ok "$work/gateway-$rate.txt")" "$(other "$work/gateway-$rate.txt")"
done
rss=$(ps -o rss= -p "$gw"); echo; echo "gateway process (all-in-one) resident memory after the run: $((rss / 1024)) MiB"
