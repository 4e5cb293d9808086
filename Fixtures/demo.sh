#!/usr/bin/env bash
# What `make demo` runs: the main job on Fixtures/, offline, on the embedded default (no server, no network).
set -euo pipefail
RAGCTL="$1"
DATA="$2"
HERE="$(cd "$(dirname "$0")" && pwd)"
rm -rf "$DATA"
step() { printf '\n\033[1m$ %s\033[0m\n' "$*"; "$@"; }

# Documents: extract, chunk, embed with the native all-MiniLM-L6-v2, store; then search them.
step "$RAGCTL" --data-dir "$DATA" ingest "$HERE/docs" --namespace handbook --category docs
step "$RAGCTL" --data-dir "$DATA" ingest "$HERE/docs" --namespace handbook --category docs   # unchanged: no work
step "$RAGCTL" --data-dir "$DATA" documents list handbook
step "$RAGCTL" --data-dir "$DATA" search "how do I rotate keys?" --namespace handbook --top-k 3
step "$RAGCTL" --data-dir "$DATA" query "how do I back up the store while the server runs?" --namespace handbook

# Bring your own vectors: a namespace of 16-dimensional vectors, filtered search.
step "$RAGCTL" --data-dir "$DATA" namespaces create demo --dim 16
step "$RAGCTL" --data-dir "$DATA" vectors upsert demo --file "$HERE/vectors.jsonl"
step "$RAGCTL" --data-dir "$DATA" namespaces list
step "$RAGCTL" --data-dir "$DATA" vectors search demo --vector-file "$HERE/query-vector.json" --top-k 3 \
    --filter '{"$and": [{"category": {"$in": ["security", "billing"]}}, {"created_at": {"$gte": "2026-03-01T00:00:00Z"}}]}' \
    --clearance internal
