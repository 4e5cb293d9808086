#!/usr/bin/env bash
# HTTP throughput and latency of `ragctl serve` under wrk (apt: wrk), against GET /healthz as the
# framework's ceiling on this machine.
#
#   Benchmarks/server_bench.sh RAGCTL DATA_DIR [NAMESPACE] [QUERY]
#
# RAGCTL: a release build of ragctl. DATA_DIR: a data dir holding an ingested namespace (NAMESPACE,
# default the first one listed). The data dir is copied to a temporary folder first (the server writes its
# query log), unless BENCH_IN_PLACE=1.
# A scripted OpenAI-compatible LLM on loopback (Benchmarks/llm_stub.py) answers the warm-up query: only
# LLM answers are cached, so without it every /api/v1/query would be an uncached extractive answer.
# Rate limits are off for the run ([rate_limit] user_rpm = global_rpm = 0).
# Knobs: BENCH_ACCESS_LOG (true; false measures without the per-request log line), BENCH_DURATION (15s), BENCH_CONNECTIONS (64), BENCH_THREADS (2), BENCH_TIMEOUT (5s, wrk counts a
# slower answer as a socket error), BENCH_AUTH (0; 1 turns [auth] on and sends a reader API key made for the run),
# RAGCTL_API_KEY (a bearer credential to send instead, for a DATA_DIR whose config already has auth on).
# Prints one line per endpoint (requests/s, p50, p99, max, the server's CPU time per request) and the server's
# RSS; exits 1 when any run saw non-2xx answers or socket errors, or the server did not stop cleanly on SIGTERM.
set -euo pipefail

RAGCTL="${1:?usage: $0 RAGCTL DATA_DIR [NAMESPACE] [QUERY]}"
DATA_DIR="${2:?usage: $0 RAGCTL DATA_DIR [NAMESPACE] [QUERY]}"
NAMESPACE="${3:-}"
QUERY="${4:-What is this collection about?}"
DURATION="${BENCH_DURATION:-15s}"
CONNECTIONS="${BENCH_CONNECTIONS:-64}"
THREADS="${BENCH_THREADS:-2}"
HERE="$(cd "$(dirname "$0")" && pwd)"
LUA="$HERE/wrk/post.lua"

command -v wrk >/dev/null || { echo "wrk not found: apt-get install wrk" >&2; exit 2; }
command -v curl >/dev/null || { echo "curl not found: apt-get install curl" >&2; exit 2; }
[ -x "$RAGCTL" ] || { echo "not an executable: $RAGCTL" >&2; exit 2; }
[ -d "$DATA_DIR" ] || { echo "no such data dir: $DATA_DIR" >&2; exit 2; }

WORK="$(mktemp -d "${TMPDIR:-/tmp}/ragctl-server-bench.XXXXXX")"
SERVER_PID="" STUB_PID="" STATUS=0
# shellcheck disable=SC2317  # called by the EXIT trap
cleanup() {
    if [ -n "$SERVER_PID" ] && kill -0 "$SERVER_PID" 2>/dev/null; then kill -KILL "$SERVER_PID" 2>/dev/null || true; fi
    if [ -n "$STUB_PID" ] && kill -0 "$STUB_PID" 2>/dev/null; then kill -TERM "$STUB_PID" 2>/dev/null || true; fi
    rm -rf "$WORK"
}
trap cleanup EXIT

# Waits up to $3 seconds for a `listening on http://…` line in file $1 written by process $2; prints the URL.
wait_for_url() {
    local file="$1" pid="$2" seconds="$3" url=""
    for _ in $(seq 1 $((seconds * 10))); do
        url="$(grep -m1 -o 'listening on http://[^[:space:]]*' "$file" 2>/dev/null | sed 's/^listening on //')" || true
        if [ -n "$url" ]; then echo "${url%/}"; return 0; fi
        kill -0 "$pid" 2>/dev/null || return 1
        sleep 0.1
    done
    return 1
}

rss() { awk '/^VmRSS|^VmHWM/ { printf "%s %.1f MiB  ", $1, $2 / 1024 }' "/proc/$SERVER_PID/status"; }

if [ "${BENCH_IN_PLACE:-0}" = 1 ]; then DATA="$DATA_DIR"; else DATA="$WORK/data"; cp -a "$DATA_DIR" "$DATA"; fi

AUTH_TOML=""
if [ "${BENCH_AUTH:-0}" = 1 ]; then
    AUTH_TOML=$'[auth]\nenabled = true'
    printf '%s\n' "$AUTH_TOML" >"$WORK/auth.toml"
    RAGCTL_API_KEY="$("$RAGCTL" keys create --data-dir "$DATA" --config "$WORK/auth.toml" --name bench --role reader --namespaces '*' --json \
        | python3 -c 'import json,sys; print(json.load(sys.stdin)["key"])')"
fi
auth=()
if [ -n "${RAGCTL_API_KEY:-}" ]; then auth=(-H "Authorization: Bearer $RAGCTL_API_KEY"); fi
export WRK_BEARER="${RAGCTL_API_KEY:-}"

python3 "$HERE/llm_stub.py" >"$WORK/stub.out" 2>"$WORK/stub.err" &
STUB_PID=$!
STUB_URL="$(wait_for_url "$WORK/stub.out" "$STUB_PID" 10)" || { echo "LLM stub did not start:" >&2; cat "$WORK/stub.err" >&2; exit 1; }

cat >"$WORK/bench.toml" <<TOML
[[llm.providers]]
name = "bench-stub"
kind = "openai"
base_url = "$STUB_URL"
model = "bench-stub"
timeout = 10

[rate_limit]
user_rpm = 0
global_rpm = 0
user_tpm = 0

[cache]
exact_ttl = 3600

[server]
access_log = ${BENCH_ACCESS_LOG:-true}

$AUTH_TOML
TOML

"$RAGCTL" serve --data-dir "$DATA" --config "$WORK/bench.toml" --port 0 >"$WORK/serve.out" 2>"$WORK/serve.err" &
SERVER_PID=$!
BASE="$(wait_for_url "$WORK/serve.out" "$SERVER_PID" 120)" || { echo "ragctl serve did not start:" >&2; tail -20 "$WORK/serve.err" >&2; exit 1; }
for _ in $(seq 1 600); do
    [ "$(curl -s -o /dev/null -w '%{http_code}' "$BASE/readyz")" = 200 ] && break
    sleep 0.1
done
[ "$(curl -s -o /dev/null -w '%{http_code}' "$BASE/readyz")" = 200 ] || { echo "$BASE/readyz never answered 200" >&2; curl -s "$BASE/readyz" >&2; exit 1; }

if [ -z "$NAMESPACE" ]; then
    NAMESPACE="$(curl -sf "${auth[@]}" "$BASE/api/v1/namespaces" | python3 -c 'import json,sys; n=json.load(sys.stdin)["namespaces"]; print(n[0]["name"] if n else "")')"
    [ -n "$NAMESPACE" ] || { echo "no namespace in $DATA_DIR: ingest one first" >&2; exit 1; }
fi
body() { python3 -c 'import json,sys; print(json.dumps({"query": sys.argv[1], "namespace": sys.argv[2]}))' "$QUERY" "$NAMESPACE"; }
SEARCH_BODY="$(body)"
QUERY_BODY="$(body)"

# Warm the exact answer cache, then check that the same body is now a cache hit.
post() { curl -sS -o "$WORK/$1.json" -w '%{http_code}' "${auth[@]}" -H 'Content-Type: application/json' --data-binary "$2" "$BASE$3"; }
code="$(post warm "$QUERY_BODY" /api/v1/query)"
[ "$code" = 200 ] || { echo "warm-up query: HTTP $code" >&2; cat "$WORK/warm.json" >&2; exit 1; }
code="$(post cached "$QUERY_BODY" /api/v1/query)"
cached="$(python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(d.get("cached"), d.get("cache_layer"), d.get("path"))' "$WORK/cached.json")"
case "$cached" in
    "True exact"*) ;;
    *) echo "warning: the repeated query is not an exact-cache hit (cached, layer, path = $cached); /api/v1/query figures are uncached" >&2 ;;
esac
code="$(post search "$SEARCH_BODY" /api/v1/search)"
[ "$code" = 200 ] || { echo "search: HTTP $code" >&2; cat "$WORK/search.json" >&2; exit 1; }

echo "ragctl serve at $BASE, namespace $NAMESPACE; wrk -t$THREADS -c$CONNECTIONS -d$DURATION; $(nproc) cores"
echo "idle: $(rss)"
printf '%-34s %10s %10s %10s %10s %10s  %s\n' endpoint 'req/s' 'p50 ms' 'p99 ms' 'max ms' 'CPU µs/req' 'server memory after the run'
declare -A RPS
# CPU time (user + system, in clock ticks) the server process has used so far.
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$SERVER_PID/stat"; }
run() {
    local key="$1" name="$2" path="$3" payload="$4" line out="$WORK/wrk-$1.txt" before after
    before="$(cpu_ticks)"
    line="$(WRK_BODY="$payload" wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --timeout "${BENCH_TIMEOUT:-5s}" --latency -s "$LUA" "$BASE$path" | tee "$out" | grep '^RESULT ')" \
        || { echo "wrk printed no RESULT for $name:" >&2; cat "$out" >&2; STATUS=1; return; }
    after="$(cpu_ticks)"
    local -A r=()
    for field in ${line#RESULT }; do r[${field%%=*}]="${field#*=}"; done
    RPS[$key]="${r[rps]}"
    # Server CPU per request: steadier than req/s on a shared machine, and what a profile's shares apply to.
    local cpu
    cpu="$(awk -v t=$((after - before)) -v n="${r[requests]}" -v hz="$(getconf CLK_TCK)" 'BEGIN { x = (n > 0) ? t / hz * 1e6 / n : 0; printf "%.0f", x }')"
    printf '%-34s %10s %10s %10s %10s %10s  %s\n' "$name" "${r[rps]}" "${r[p50_ms]}" "${r[p99_ms]}" "${r[max_ms]}" "$cpu" "$(rss)"
    if [ "${r[non2xx]}" != 0 ] || [ "${r[socket_errors]}" != 0 ]; then
        echo "  ^ ${r[non2xx]} non-2xx answers, ${r[socket_errors]} socket errors (details: wrk output below)" >&2
        sed 's/^/    /' "$out" >&2
        STATUS=1
    fi
}
run healthz "GET /healthz (ceiling)" /healthz ""
run search "POST /api/v1/search" /api/v1/search "$SEARCH_BODY"
run query "POST /api/v1/query (exact cache)" /api/v1/query "$QUERY_BODY"
python3 - "${RPS[healthz]:-0}" "${RPS[search]:-0}" "${RPS[query]:-0}" <<'PY'
import sys
ceiling, search, query = (float(x) for x in sys.argv[1:])
if ceiling > 0:
    print(f"ratio to /healthz: search {search / ceiling:.2f}, cached query {query / ceiling:.2f}")
PY

# Graceful stop: SIGTERM must drain and exit 0 within 15 s.
kill -TERM "$SERVER_PID"
for _ in $(seq 1 150); do kill -0 "$SERVER_PID" 2>/dev/null || break; sleep 0.1; done
if kill -0 "$SERVER_PID" 2>/dev/null; then
    echo "ragctl serve still running 15 s after SIGTERM" >&2; STATUS=1
else
    wait "$SERVER_PID" && rc=0 || rc=$?
    [ "$rc" = 0 ] || { echo "ragctl serve exited $rc after SIGTERM" >&2; STATUS=1; }
fi
SERVER_PID=""
exit "$STATUS"
