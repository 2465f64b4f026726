#!/usr/bin/env bash
# Seeds a running gateway with a few hundred requests across several keys, teams, models and
# providers, so the console's charts and tables show realistic data (the README's screenshots
# were taken after this). Starts its own fake provider (from the gateway jar) as the upstream.
#
#   GATEWAY_ADMIN_TOKEN=... scripts/seed-demo.sh [--admin URL] [--proxy URL] [--requests N]
#
# Defaults: --admin http://127.0.0.1:8080, --proxy http://127.0.0.1:10000, --requests 300.
# Providers, models and teams (names start with demo-) are reused; each run creates three fresh
# keys (a secret is shown only at creation) and adds N requests.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
admin=http://127.0.0.1:8080
proxy=http://127.0.0.1:10000
requests=300
while [ $# -gt 0 ]; do
  case "$1" in
    --admin) admin=$2; shift 2 ;;
    --proxy) proxy=$2; shift 2 ;;
    --requests) requests=$2; shift 2 ;;
    *) echo "usage: $0 [--admin URL] [--proxy URL] [--requests N]" >&2; exit 2 ;;
  esac
done
: "${GATEWAY_ADMIN_TOKEN:?set GATEWAY_ADMIN_TOKEN to an admin token of the gateway}"
command -v curl >/dev/null || { echo "error: curl is needed" >&2; exit 1; }
source "$root/scripts/jdk.sh"
jar="$root/launcher/target/gateway.jar"
[ -f "$jar" ] || { echo "error: $jar is missing; run ./gateway --help once to build it" >&2; exit 1; }

log=$(mktemp)
"$JAVA_HOME/bin/java" -Xmx64m -cp "$jar" dev.aigateway.fakeprovider.FakeProviderMain 0 >"$log" 2>&1 &
fake_pid=$!
trap 'kill "$fake_pid" 2>/dev/null || true; rm -f "$log"' EXIT
for _ in $(seq 100); do grep -q listening "$log" && break; sleep 0.1; done
upstream=$(sed -n 's/^fake provider listening on //p' "$log")
[ -n "$upstream" ] || { echo "error: the fake provider did not start: $(cat "$log")" >&2; exit 1; }

call() { # METHOD PATH [JSON]: prints the body; 409 (already there) is fine
  local out status
  out=$(curl -sS -X "$1" "$admin/api/v1$2" -H "authorization: Bearer $GATEWAY_ADMIN_TOKEN" \
    -H 'content-type: application/json' ${3:+--data "$3"} -w '\n%{http_code}')
  status=${out##*$'\n'}
  if [ "$status" -ge 400 ] && [ "$status" != 409 ]; then
    echo "error: $1 $2 answered HTTP $status: ${out%$'\n'*}" >&2; exit 1
  fi
  printf '%s' "${out%$'\n'*}"
}
provider() { # NAME SCHEMA BASE_URL
  local existing id version
  existing=$(curl -sS "$admin/api/v1/providers/$1" -H "authorization: Bearer $GATEWAY_ADMIN_TOKEN")
  id=$(printf '%s' "$existing" | sed -n 's/.*"id":"\([^"]*\)".*"name":"'"$1"'".*/\1/p' | head -n1)
  if [ -n "$id" ]; then # the fake provider listens on a new port each run
    version=$(printf '%s' "$existing" | grep -o '"version":[0-9]*' | tail -n1 | cut -d: -f2)
    call PATCH "/providers/$id" "{\"version\":$version,\"base_url\":\"$3\"}" >/dev/null
  else
    call POST /providers "{\"name\":\"$1\",\"schema\":\"$2\",\"base_url\":\"$3\",\"credentials\":[{\"kind\":\"api_key\",\"api_key\":\"sk-demo-upstream-key-0001\"}]}" >/dev/null
  fi
}

provider demo-openai openai_compatible "$upstream/v1"
provider demo-anthropic anthropic "$upstream"
call POST /models '{"name":"demo-gpt-4o-mini","targets":[{"provider":"demo-openai","model":"gpt-4o-mini"}],"pricing":{"input_per_million":0.15,"output_per_million":0.6}}' >/dev/null
call POST /models '{"name":"demo-claude-haiku","targets":[{"provider":"demo-anthropic","model":"claude-haiku-4-5"}],"pricing":{"input_per_million":1,"output_per_million":5}}' >/dev/null
call POST /models '{"name":"demo-llama","targets":[{"provider":"demo-openai","model":"llama-3.1-8b"}],"pricing":{"input_per_million":0.05,"output_per_million":0.08}}' >/dev/null
keys=()
for spec in demo-search:search-bot demo-search:notebook demo-support:support-bot; do
  team=${spec%%:*} key=${spec##*:}
  call POST /teams "{\"name\":\"$team\"}" >/dev/null
  created=$(call POST /keys "{\"name\":\"demo-$key\",\"team\":\"$team\",\"allowed_models\":[]}")
  keys+=("$(printf '%s' "$created" | grep -o '"key":"sk-gw-[^"]*"' | cut -d'"' -f4)")
done
call POST /quotas '{"scope":"global","metric":"cost_usd","window":"month","limit":50}' >/dev/null

models=(demo-gpt-4o-mini demo-gpt-4o-mini demo-llama demo-claude-haiku)
words=(hello gateway tokens quota dashboard latency budget provider model stream)
echo "sending $requests requests through $proxy ..."
ok=0 failed=0
for i in $(seq 1 "$requests"); do
  key=${keys[$((i % ${#keys[@]}))]}
  model=${models[$((RANDOM % ${#models[@]}))]}
  text=""
  for _ in $(seq 1 $((RANDOM % 40 + 3))); do text+="${words[$((RANDOM % 10))]} "; done
  fail=()
  [ $((RANDOM % 20)) -eq 0 ] && fail=(-H "x-fake-fail: $(( RANDOM % 2 == 0 ? 500 : 429 ))")
  status=$(curl -sS -o /dev/null -w '%{http_code}' "$proxy/v1/chat/completions" \
    -H "authorization: Bearer $key" -H 'content-type: application/json' "${fail[@]}" \
    --data "{\"model\":\"$model\",\"messages\":[{\"role\":\"user\",\"content\":\"$text\"}]}" || echo 000)
  if [ "$status" = 200 ]; then ok=$((ok + 1)); else failed=$((failed + 1)); fi
done
echo "done: $ok answered 200, $failed failed (about 1 in 20 on purpose); open $admin/"
