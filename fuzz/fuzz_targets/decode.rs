//! The response decoder every call runs, fed by libFuzzer: the invariants of
//! `src/generated/tests/decode_properties.rs` (no panic; no error of a token endpoint shows a token planted in
//! the body) over inputs that coverage guides instead of a fixed set of shapes, including the
//! second reading of a body in the framework's shapes (`src/runtime/lenient.rs`).
//!
//! Input: byte 0 picks the operation (modulo their number), bytes 1–2 the status (big-endian,
//! folded into 100..=999), the rest is the body. Shorter inputs are skipped.

#![no_main]

use libfuzzer_sys::fuzz_target;
use rizzitgo_open_api::{__examples::decode, Operation, operation::Auth};

/// The token-shaped secret of the property tests (also in `decode.dict`, so libFuzzer plants it).
const TOKEN: &str = "0123456789abcdef0123456789abcdef";

fuzz_target!(|input: &[u8]| {
    let [op, hi, lo, body @ ..] = input else {
        return;
    };
    let operation = &Operation::all()[usize::from(*op) % Operation::all().len()];
    let status = 100 + u16::from_be_bytes([*hi, *lo]) % 900;
    // Every status in 100..=999 is one reqwest represents, and every name is known.
    let outcome = decode(operation.name, status, body).expect("a known operation and status");
    let Err(error) = outcome else {
        return;
    };
    // One kind per failure, whatever came.
    let _ = error.kind();
    let text = format!("{error} {error:?}");
    if operation.auth == Auth::Basic && text.contains(TOKEN) && !message_has_token(body) {
        panic!("a token from a token endpoint's body in an error: {text}");
    }
});

/// Whether the envelope's own `msg` carries the token: errors show the gateway's message on
/// purpose (the property tests never plant the token there).
fn message_has_token(body: &[u8]) -> bool {
    serde_json::from_slice::<serde_json::Value>(body)
        .ok()
        .and_then(|value| value.get("msg")?.as_str().map(|msg| msg.contains(TOKEN)))
        .unwrap_or(false)
}
