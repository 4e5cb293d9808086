#!/usr/bin/env bash
# The API checks `make test` runs after the Swift tests, against a live `ragctl serve` (the debug build):
# the OpenAPI document validates, schemathesis finds no 5xx and no response outside the schema, and the
# official openai SDK calls /v1/embeddings and /v1/chat/completions (plain and streaming).
#
#   Tests/api/run_api_checks.sh RAGCTL
set -euo pipefail
RAGCTL="${1:?usage: $0 RAGCTL}"
HERE="$(cd "$(dirname "$0")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
WORK="$(mktemp -d "${TMPDIR:-/tmp}/ragctl-api-checks.XXXXXX")"
PID=""
cleanup() {
    if [ -n "$PID" ] && kill -0 "$PID" 2>/dev/null; then kill -KILL "$PID" 2>/dev/null || true; fi
    rm -rf "$WORK"
}
trap cleanup EXIT

python3 "$HERE/dump_openapi.py" --validate

printf '[rate_limit]\nuser_rpm = 0\nglobal_rpm = 0\n\n[server]\naccess_log = false\n' > "$WORK/config.toml"
"$RAGCTL" ingest "$ROOT/Fixtures/docs" --namespace handbook --data-dir "$WORK/data" --config "$WORK/config.toml" >/dev/null
"$RAGCTL" serve --port 0 --data-dir "$WORK/data" --config "$WORK/config.toml" >"$WORK/serve.out" 2>"$WORK/serve.err" &
PID=$!
for _ in $(seq 1 600); do
    grep -q "listening on" "$WORK/serve.out" 2>/dev/null && break
    kill -0 "$PID" 2>/dev/null || { cat "$WORK/serve.err" >&2; echo "ragctl serve exited" >&2; exit 1; }
    sleep 0.1
done
URL="$(grep -o 'http://[0-9.]*:[0-9]*' "$WORK/serve.out" | head -1)"
[ -n "$URL" ] || { echo "ragctl serve did not print its address" >&2; exit 1; }
echo "api checks against $URL"

python3 "$HERE/openai_sdk_check.py" "$URL" handbook
ST_REPORT_DIR="$WORK/schemathesis" bash "$HERE/schemathesis_check.sh" "$URL"

kill -TERM "$PID"
wait "$PID"
echo "api checks passed; the server stopped cleanly"
