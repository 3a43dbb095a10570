#!/usr/bin/env bash
# Fuzzes the response decoder (fuzz/fuzz_targets/decode.rs) with cargo fuzz, on demand (not CI).
#
#   scripts/fuzz.sh [seconds]        # default 60
#
# - Uses `cargo fuzz` from PATH, else installs cargo-fuzz $CARGO_FUZZ_VERSION into .tools/cargo-fuzz
#   (gitignored) from crates.io.
# - Stable Rust: builds with `--sanitizer none` (libFuzzer's coverage flags are stable; the
#   sanitizers are not). SANITIZER=address runs AddressSanitizer on stable via RUSTC_BOOTSTRAP=1,
#   in its own target dir. The SDK is safe Rust, so ASan adds little here.
# - Corpus: fuzz/corpus/decode (gitignored, grows across runs) plus the committed seeds in
#   fuzz/seeds/decode; dictionary fuzz/decode.dict. A crash is saved under fuzz/artifacts/decode/
#   and the script exits non-zero; replay it with the command libFuzzer prints.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"

SECONDS_TO_RUN=${1:-60}
CARGO_FUZZ_VERSION=0.13.2
SANITIZER=${SANITIZER:-none}

if ! cargo fuzz --version >/dev/null 2>&1; then
    TOOLS="$ROOT/.tools/cargo-fuzz"
    if [ ! -x "$TOOLS/bin/cargo-fuzz" ]; then
        echo "==> installing cargo-fuzz $CARGO_FUZZ_VERSION into $TOOLS"
        cargo install cargo-fuzz --version "$CARGO_FUZZ_VERSION" --locked --root "$TOOLS"
    fi
    export PATH="$TOOLS/bin:$PATH"
fi

BUILD_ARGS=(--sanitizer "$SANITIZER")
if [ "$SANITIZER" != none ]; then
    # -Zsanitizer on a stable compiler.
    export RUSTC_BOOTSTRAP=1
    BUILD_ARGS+=(--target-dir "$ROOT/fuzz/target/$SANITIZER")
fi

mkdir -p fuzz/corpus/decode
echo "==> cargo fuzz run decode for $SECONDS_TO_RUN s (sanitizer: $SANITIZER)"
cargo fuzz run "${BUILD_ARGS[@]}" decode fuzz/corpus/decode fuzz/seeds/decode -- \
    -max_total_time="$SECONDS_TO_RUN" -timeout=10 -dict=fuzz/decode.dict -print_final_stats=1
