#!/usr/bin/env bash
# Conformance of the mock gateway (mock-gateway/) against spec/open-api.yaml, with schemathesis,
# plus the guide's own cURL / Python / Java samples against the mock binary.
#
#   scripts/conformance.sh
#
# - Creates .tools/venv (gitignored) with pinned schemathesis + requests if needed.
# - Uses target/debug/rizzitgo-mock-gateway (built by the caller; built here if absent).
# - Runs, each on a mock started on a free port of 127.0.0.1:
#   1. business operations, error style http-status, every schemathesis check, Bearer token;
#   2. token + revoke, error style http-status, every check, HTTP Basic (`-a`): these two
#      operations authenticate the client with Basic instead of a Bearer token, so they get
#      their own run;
#   3. every operation, error style http200 (errors as HTTP 200 envelopes): response checks
#      only (negative-data checks need real error statuses);
#   4. the same with future fields on (unknown fields and enum values in every response):
#      the spec must tolerate server additions;
#   5. cargo test --test guide_samples (cURL + Python samples; the Java sample too when a JDK
#      is on PATH).
# Exits non-zero if anything failed.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"

SCHEMATHESIS_VERSION=4.32.5
REQUESTS_VERSION=2.34.2
VENV="$ROOT/.tools/venv"
SPEC="$ROOT/spec/open-api.yaml"
BIN="$ROOT/target/debug/rizzitgo-mock-gateway"

if [ ! -x "$VENV/bin/st" ] || ! "$VENV/bin/st" --version | grep -q "$SCHEMATHESIS_VERSION"; then
    echo "==> creating $VENV (schemathesis $SCHEMATHESIS_VERSION, requests $REQUESTS_VERSION)"
    [ -x "$VENV/bin/python" ] || python3 -m venv "$VENV"
    "$VENV/bin/pip" install --quiet "schemathesis==$SCHEMATHESIS_VERSION" "requests==$REQUESTS_VERSION"
fi

if [ ! -x "$BIN" ]; then
    echo "==> building the mock"
    cargo build -p rizzitgo-mock-gateway
fi

WORK=$(mktemp -d)
PIDS=()
cleanup() {
    for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
    rm -rf "$WORK"
}
trap cleanup EXIT

# start_mock NAME ARGS... : starts the binary, sets URL, CLIENT_ID, CLIENT_SECRET, TENANT_ID.
start_mock() {
    local name=$1
    shift
    local out="$WORK/$name.out"
    "$BIN" --port 0 "$@" >"$out" 2>"$WORK/$name.err" &
    PIDS+=("$!")
    for _ in $(seq 100); do
        grep -q '^tenant_id: ' "$out" 2>/dev/null && break
        sleep 0.1
    done
    URL=$(sed -n 's/^url: //p' "$out")
    CLIENT_ID=$(sed -n 's/^client_id: //p' "$out")
    CLIENT_SECRET=$(sed -n 's/^client_secret: //p' "$out")
    TENANT_ID=$(sed -n 's/^tenant_id: //p' "$out")
    if [ -z "$URL" ]; then
        echo "mock did not start:" >&2
        cat "$WORK/$name.err" >&2
        exit 1
    fi
}

token() {
    curl -sS -X POST "$URL/open-api/system/oauth2/token" \
        -u "$CLIENT_ID:$CLIENT_SECRET" -H "tenant-id: $TENANT_ID" \
        -d grant_type=client_credentials | jq -er .data.access_token
}

STATUS=0
# st writes .hypothesis/ into the current directory: run it from the scratch directory.
st() {
    (cd "$WORK" && "$VENV/bin/st" run "$SPEC" --url "$URL" --max-examples 20 --seed 1 \
        --continue-on-failure "$@") || STATUS=1
}
RESPONSE_CHECKS=not_a_server_error,status_code_conformance,content_type_conformance,response_headers_conformance,response_schema_conformance

echo "==> 1. business operations, http-status style"
start_mock status --error-style http-status
TOKEN=$(token)
st -H "Authorization: Bearer $TOKEN" -H "tenant-id: $TENANT_ID" --exclude-path-regex '/oauth2/'

echo "==> 2. token + revoke (HTTP Basic), http-status style"
st -a "$CLIENT_ID:$CLIENT_SECRET" -H "tenant-id: $TENANT_ID" --include-path-regex '/oauth2/'

echo "==> 3. all operations, http200 style, response checks"
start_mock http200
TOKEN=$(token)
st -H "Authorization: Bearer $TOKEN" -H "tenant-id: $TENANT_ID" --checks "$RESPONSE_CHECKS"

echo "==> 4. all operations, http200 style, future fields on"
curl -sS -X POST "$URL/__mock/future-fields" -d '{"on":true}' >/dev/null
st -H "Authorization: Bearer $TOKEN" -H "tenant-id: $TENANT_ID" --checks "$RESPONSE_CHECKS"

echo "==> 5. the guide's samples against the binary"
SAMPLE_ARGS=()
if command -v java >/dev/null; then
    SAMPLE_ARGS=(--include-ignored)
else
    echo "!!! no java on PATH: the guide's Java sample is NOT run (it stays ignored) !!!"
fi
cargo test -p rizzitgo-mock-gateway --test guide_samples -- "${SAMPLE_ARGS[@]}" || STATUS=1

if [ "$STATUS" -eq 0 ]; then
    echo "==> conformance: all runs passed"
else
    echo "==> conformance: FAILURES (see above)" >&2
fi
exit "$STATUS"
