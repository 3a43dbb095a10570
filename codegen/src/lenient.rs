//! What a response may send beyond its schema's own types, read from the spec: the framework
//! behind the gateway writes a `LocalDateTime` as epoch milliseconds and a long beyond
//! ±(2^53 − 1) as a JSON string unless a field says otherwise (field notes), and a number may
//! come where the guide shows a string. Per operation, the codegen emits the tree of the
//! fields where that can happen ([`Lenient`]); the runtime reshapes a body by it only when the
//! exact decoding failed.

use crate::model::{component, is_date_time, schema_name};
use openapiv3::{OpenAPI, ReferenceOr, Schema, SchemaKind, Type};
use proc_macro2::TokenStream;
use quote::quote;

/// The fields of a response value that accept another shape than their own.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Lenient {
    /// Nothing to accept.
    Exact,
    /// An integer: also a string holding one.
    Integer,
    /// A platform date-time (`x-date-time`): also epoch milliseconds.
    DateTime,
    /// A string: also a number, whose text it keeps.
    Text,
    /// An object, with its fields that accept something.
    Object(Vec<(String, Lenient)>),
    /// A list of items that accept something.
    List(Box<Lenient>),
}

/// Deeper than this, a schema is taken as it is (a recursive schema ends here).
const MAX_DEPTH: usize = 16;

/// The shape of an envelope's `data`.
pub fn of_envelope(spec: &OpenAPI, envelope: &str) -> Result<Lenient, String> {
    let schema = component(spec, envelope)?;
    let SchemaKind::Type(Type::Object(obj)) = &schema.schema_kind else {
        return Err(format!("{envelope}: an envelope must be an object"));
    };
    Ok(obj
        .properties
        .get("data")
        .map_or(Lenient::Exact, |data| of_boxed(spec, data, 0)))
}

fn of_boxed(spec: &OpenAPI, schema: &ReferenceOr<Box<Schema>>, depth: usize) -> Lenient {
    match schema {
        ReferenceOr::Reference { reference } => of_reference(spec, reference, depth),
        ReferenceOr::Item(schema) => of_schema(spec, schema, depth),
    }
}

fn of_reference(spec: &OpenAPI, reference: &str, depth: usize) -> Lenient {
    component(spec, schema_name(reference)).map_or(Lenient::Exact, |s| of_schema(spec, s, depth))
}

fn of_schema(spec: &OpenAPI, schema: &Schema, depth: usize) -> Lenient {
    if depth > MAX_DEPTH {
        return Lenient::Exact;
    }
    if is_date_time(schema) {
        return Lenient::DateTime;
    }
    match &schema.schema_kind {
        SchemaKind::Type(Type::Integer(_)) => Lenient::Integer,
        SchemaKind::Type(Type::String(_)) => Lenient::Text,
        SchemaKind::Type(Type::Object(obj)) => {
            let fields: Vec<(String, Lenient)> = obj
                .properties
                .iter()
                .map(|(name, field)| (name.clone(), of_boxed(spec, field, depth + 1)))
                .filter(|(_, shape)| *shape != Lenient::Exact)
                .collect();
            if fields.is_empty() {
                Lenient::Exact
            } else {
                Lenient::Object(fields)
            }
        }
        SchemaKind::Type(Type::Array(arr)) => match &arr.items {
            Some(items) => match of_boxed(spec, items, depth + 1) {
                Lenient::Exact => Lenient::Exact,
                item => Lenient::List(Box::new(item)),
            },
            None => Lenient::Exact,
        },
        SchemaKind::AllOf { all_of } if all_of.len() == 1 => match &all_of[0] {
            ReferenceOr::Reference { reference } => of_reference(spec, reference, depth + 1),
            ReferenceOr::Item(item) => of_schema(spec, item, depth + 1),
        },
        _ => Lenient::Exact,
    }
}

/// The shape as a constant expression of the runtime's `support::Lenient`.
pub fn tokens(shape: &Lenient) -> TokenStream {
    match shape {
        Lenient::Exact => quote!(support::Lenient::Exact),
        Lenient::Integer => quote!(support::Lenient::Integer),
        Lenient::DateTime => quote!(support::Lenient::DateTime),
        Lenient::Text => quote!(support::Lenient::Text),
        Lenient::Object(fields) => {
            let names = fields.iter().map(|(name, _)| name);
            let shapes = fields.iter().map(|(_, shape)| tokens(shape));
            quote!(support::Lenient::Object(&[#((#names, #shapes)),*]))
        }
        Lenient::List(item) => {
            let item = tokens(item);
            quote!(support::Lenient::List(&#item))
        }
    }
}
