//! The generated code against the spec and against whatever a gateway may send: every example
//! round-trips, every body decodes to a typed result, a body that does not decode says where.

mod decode_errors;
mod decode_properties;
mod spec_examples;
