//! The envelope-unwrapping methods on `crate::Client` and the operation table.

use crate::model::{Auth, OperationModel, Retry};
use proc_macro2::TokenStream;
use quote::{format_ident, quote};

/// Tokens of the facade file.
pub fn tokens(ops: &[OperationModel]) -> TokenStream {
    let entries = ops.iter().map(table_entry);
    // The token endpoints are driven by the token cache, not by users.
    let methods = ops
        .iter()
        .enumerate()
        .filter(|(_, op)| op.auth == Auth::Bearer)
        .map(|(i, op)| method(i, op));
    let count = ops.len();
    let examples = example_types(ops);
    quote! {
        /// Every operation of the spec, in spec order.
        pub(crate) static OPERATIONS: [crate::Operation; #count] = [#(#entries),*];

        impl crate::Client {
            #(#methods)*
        }

        #examples
    }
}

/// `roundtrip(schema, json)`: decodes an example into the type generated for `schema` and
/// encodes it back, so that tests can check every example of the spec against the code.
fn example_types(ops: &[OperationModel]) -> TokenStream {
    let mut pairs: Vec<(String, String)> = Vec::new();
    for op in ops {
        pairs.push((
            op.body_schema.clone(),
            format!("crate::types::{}", op.body_schema),
        ));
        pairs.push((
            op.envelope_schema.clone(),
            format!("crate::Envelope<{}>", op.data_type),
        ));
    }
    pairs.sort();
    pairs.dedup();
    let arms = pairs.iter().map(|(schema, ty)| {
        let ty: syn::Type = syn::parse_str(ty).expect("generated types are Rust types");
        quote!(#schema => Some(roundtrip_as::<#ty>(value)))
    });
    quote! {
        /// Support for the SDK's own tests: not part of the API.
        #[doc(hidden)]
        pub mod __examples {
            /// Decodes `value` as the type generated for `schema` and encodes it back;
            /// `None` for a schema that is neither a request body nor a success envelope.
            pub fn roundtrip(
                schema: &str,
                value: ::serde_json::Value,
            ) -> Option<::std::result::Result<::serde_json::Value, ::serde_json::Error>> {
                match schema {
                    #(#arms,)*
                    _ => None,
                }
            }

            fn roundtrip_as<T>(
                value: ::serde_json::Value,
            ) -> ::std::result::Result<::serde_json::Value, ::serde_json::Error>
            where
                T: ::serde::de::DeserializeOwned + ::serde::Serialize,
            {
                ::serde_json::to_value(::serde_json::from_value::<T>(value)?)
            }
        }
    }
}

fn table_entry(op: &OperationModel) -> TokenStream {
    let OperationModel {
        operation_id,
        method_name,
        http_method,
        path,
        since,
        scopes,
        ..
    } = op;
    let auth = match op.auth {
        Auth::Basic => quote!(crate::operation::Auth::Basic),
        Auth::Bearer => quote!(crate::operation::Auth::Bearer),
    };
    let retry = match &op.retry {
        Retry::Safe => quote!(crate::operation::Retry::Safe),
        Retry::IdempotencyKey(field) => quote!(crate::operation::Retry::IdempotencyKey(#field)),
        Retry::Never => quote!(crate::operation::Retry::Never),
    };
    quote! {
        crate::Operation {
            name: #method_name,
            operation_id: #operation_id,
            method: #http_method,
            path: #path,
            auth: #auth,
            scopes: &[#(#scopes),*],
            since: #since,
            retry: #retry,
        }
    }
}

fn method(index: usize, op: &OperationModel) -> TokenStream {
    let name = format_ident!("{}", op.method_name);
    let body: syn::Path = syn::parse_str(&format!("crate::types::{}", op.body_schema))
        .expect("schema names are checked to be Rust identifiers in model.rs");
    let data: syn::Type = syn::parse_str(&op.data_type).expect("data types are Rust types");
    let (output, run) = if op.nullable_data {
        (
            quote!(::std::option::Option<#data>),
            quote!(crate::call::run_nullable),
        )
    } else {
        (quote!(#data), quote!(crate::call::run))
    };
    let doc = doc(op);
    quote! {
        #[doc = #doc]
        pub async fn #name<B>(&self, body: B) -> ::std::result::Result<#output, crate::Error>
        where
            B: ::std::convert::TryInto<#body>,
            <B as ::std::convert::TryInto<#body>>::Error: ::std::fmt::Display,
        {
            #run(&OPERATIONS[#index], self.raw().#name().body(body).send()).await
        }
    }
}

fn doc(op: &OperationModel) -> String {
    let mut doc = format!("{}.\n\n", op.summary.trim_end_matches('.'));
    if !op.description.is_empty() {
        doc.push_str(op.description.trim_end());
        doc.push_str("\n\n");
    }
    doc.push_str(&format!(
        "`{} {}` (operation `{}`, since guide v{}).",
        op.http_method, op.path, op.operation_id, op.since
    ));
    if !op.scopes.is_empty() {
        let scopes: Vec<String> = op.scopes.iter().map(|s| format!("`{s}`")).collect();
        doc.push_str(&format!(" Scope: {}.", scopes.join(", ")));
    }
    match &op.retry {
        Retry::Safe => doc.push_str(" Read-only."),
        Retry::IdempotencyKey(field) => doc.push_str(&format!(
            " Idempotent through the `{field}` field of the request."
        )),
        Retry::Never => {}
    }
    doc.push_str(
        "\n\nThe body is the request type or its builder (`types::…::builder()`); an invalid \
         value fails before sending with an error naming the field.",
    );
    doc
}
