#!/usr/bin/env bash
# Property-based API conformance: schemathesis 4 against a live server's /openapi.json.
#
#   Tests/api/schemathesis_check.sh http://127.0.0.1:8080 [extra schemathesis flags]
#
# Point it at a scratch server (its own --data-dir): the run creates and deletes namespaces, vectors and
# documents. Give that server a rate limit high enough for a few thousand requests a minute (see README.md),
# or most answers are 429s and the run proves little. With auth on, export RAGCTL_API_KEY (an admin key).
#
# ST_SCHEMA=FILE tests the server against a local document instead of its /openapi.json, e.g. the one in
# the working tree: ST_SCHEMA=<(python3 Tests/api/dump_openapi.py) is not seekable, so write a file first.
# Exit status: schemathesis' own (0 only when every check passed on every operation).
set -euo pipefail

BASE_URL="${1:?usage: $0 BASE_URL [schemathesis flags...]}"
BASE_URL="${BASE_URL%/}"
shift
HERE="$(cd "$(dirname "$0")" && pwd)"
ST="${SCHEMATHESIS:-schemathesis}"
command -v "$ST" >/dev/null || { echo "schemathesis not found: pip install schemathesis==4.32.5" >&2; exit 2; }
case "$("$ST" --version)" in
    *" 4."*) ;;
    *) echo "need schemathesis 4.x (its CLI differs from 3.x); found: $("$ST" --version)" >&2; exit 2 ;;
esac

# Examples per operation and phase (coverage, fuzzing, stateful): 100 takes about a minute on 2 cores
# against a debug build (3,000-4,000 requests); ST_MAX_EXAMPLES changes it.
MAX_EXAMPLES="${ST_MAX_EXAMPLES:-100}"
SEED="${ST_SEED:-20260101}"
REPORT_DIR="${ST_REPORT_DIR:-${TMPDIR:-/tmp}/ragctl-schemathesis}"

auth=()
if [ -n "${RAGCTL_API_KEY:-}" ]; then auth=(--header "Authorization: Bearer ${RAGCTL_API_KEY}"); fi

# --checks all: the five conformance checks (not_a_server_error, status_code_conformance,
# content_type_conformance, response_schema_conformance, response_headers_conformance, which holds
# X-Request-ID on every response), negative_data_rejection (additionalProperties: false, ranges, enums
# must be 4xx), positive_data_acceptance (tuned in schemathesis.toml), missing_required_header,
# unsupported_method and allow_header_conformance (405 with Allow), use_after_free and
# ensure_resource_availability (stateful: create → get → delete → get through the document's links),
# ignored_auth (passes by design while `security` lists the optional {} requirement) and
# object_level_authorization (needs two configured identities; a no-op here). Nothing is excluded.
# --generation-database none: no .hypothesis replay store, so a run depends only on the seed.
# --workers 1: the seed fixes the examples, and one worker fixes their order against the shared store.
if [ -n "${ST_SCHEMA:-}" ]; then location=("$ST_SCHEMA" --url "$BASE_URL"); else location=("$BASE_URL/openapi.json"); fi
exec "$ST" --config-file "$HERE/schemathesis.toml" --no-color run "${location[@]}" \
    --checks all \
    --max-examples "$MAX_EXAMPLES" \
    --seed "$SEED" \
    --generation-database none \
    --workers 1 \
    --request-timeout 30 \
    --wait-for-schema 30 \
    --report junit --report-dir "$REPORT_DIR" \
    "${auth[@]}" \
    "$@"
