//! The methods on `crate::Client` and the operation table. The generated code meets the
//! hand-written layer only through `crate::generated::support` (the call, the decoders, the
//! page walk and the operation table's types).

use crate::model::{
    Auth, Check, FieldRule, NamedCode, OperationModel, Pagination, Retry, snake_case,
};
use proc_macro2::TokenStream;
use quote::{format_ident, quote};

/// Tokens of the facade file.
pub fn tokens(ops: &[OperationModel], codes: &[NamedCode]) -> TokenStream {
    let entries = ops.iter().enumerate().map(|(i, op)| table_entry(i, op));
    let statics = ops.iter().enumerate().map(|(i, op)| {
        let name = format_ident!("{}", op.method_name.to_uppercase());
        let doc = format!("The `{}` operation.", op.operation_id);
        quote!(#[doc = #doc] #[allow(dead_code)] pub(crate) static #name: &support::Operation = &super::OPERATIONS[#i];)
    });
    // The token endpoints are driven by the token cache, not by users.
    let methods = ops
        .iter()
        .enumerate()
        .filter(|(_, op)| op.auth == Auth::Bearer)
        .map(|(i, op)| method(i, op));
    let paging = ops
        .iter()
        .enumerate()
        .filter(|(_, op)| op.auth == Auth::Bearer)
        .filter_map(|(i, op)| op.pagination.as_ref().map(|p| paging_methods(i, op, p)));
    let shapes = ops
        .iter()
        .filter_map(|op| op.pagination.as_ref().map(|p| shape(op, p)));
    let count = ops.len();
    let examples = example_types(ops);
    let business_code = business_code(codes);
    quote! {
        /// Every operation of the spec, in spec order.
        pub(crate) static OPERATIONS: [support::Operation; #count] = [#(#entries),*];

        /// Each operation by its method name in capitals (`ops::ISSUE_TOKEN`): what the
        /// hand-written layer refers to, without a lookup.
        pub(crate) mod ops {
            use super::support;
            #(#statics)*
        }

        impl crate::Client {
            #(#methods)*
            #(#paging)*
        }

        #(#shapes)*

        #business_code

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
    let decoders = ops.iter().enumerate().map(|(index, op)| {
        let name = &op.method_name;
        let data: syn::Type = syn::parse_str(&op.data_type).expect("data types are Rust types");
        let required = if op.nullable_data {
            quote!(.map(drop))
        } else {
            quote!(.and_then(|data| support::required(operation, &finished, data)).map(drop))
        };
        quote! {
            #name => {
                let operation = &super::OPERATIONS[#index];
                support::conclude::<#data>(operation, &finished)#required
            }
        }
    });
    let arms = pairs.iter().map(|(schema, ty)| {
        let ty: syn::Type = syn::parse_str(ty).expect("generated types are Rust types");
        quote!(#schema => Some(roundtrip_as::<#ty>(value)))
    });
    quote! {
        /// Support for the crate's own tests (`generated::tests`) and the fuzz target (built with
        /// `--cfg fuzzing`, as cargo-fuzz builds): decoding as every call does. Not in the API.
        #[cfg(any(test, fuzzing))]
        #[doc(hidden)]
        pub mod examples {
            use super::support;

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

            /// Decodes `body` as the response of `operation` (an SDK method name) with `status`,
            /// the way every call does; `None` for an unknown operation or status.
            pub fn decode(
                operation: &str,
                status: u16,
                body: &[u8],
            ) -> ::std::option::Option<::std::result::Result<(), crate::Error>> {
                let status = ::reqwest::StatusCode::from_u16(status).ok()?;
                let finished = support::answered(status, body);
                Some(match operation {
                    #(#decoders)*
                    _ => return None,
                })
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

fn table_entry(index: usize, op: &OperationModel) -> TokenStream {
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
        Auth::Basic => quote!(support::Auth::Basic),
        Auth::Bearer => quote!(support::Auth::Bearer),
    };
    let rules = op.rules.iter().map(rule_entry);
    let response = crate::lenient::tokens(&op.response_shape);
    let (cache_ttl, cache_empty) = op.cache_ttl;
    let body = if op.content_type == "application/x-www-form-urlencoded" {
        quote!(support::BodyFormat::Form)
    } else {
        quote!(support::BodyFormat::Json)
    };
    let retry = match &op.retry {
        Retry::Safe => quote!(support::RetryClass::Safe),
        Retry::IdempotencyKey(field) => {
            quote!(support::RetryClass::IdempotencyKey(#field))
        }
        Retry::Never => quote!(support::RetryClass::Never),
    };
    quote! {
        support::Operation {
            name: #method_name,
            operation_id: #operation_id,
            method: #http_method,
            path: #path,
            auth: #auth,
            scopes: &[#(#scopes),*],
            since: #since,
            retry: #retry,
            body: #body,
            rules: &[#(#rules),*],
            cache: support::CacheLifetimes {
                ttl: ::std::time::Duration::from_secs(#cache_ttl),
                empty: ::std::time::Duration::from_secs(#cache_empty),
            },
            response: &#response,
            index: #index,
        }
    }
}

fn rule_entry(rule: &FieldRule) -> TokenStream {
    let FieldRule {
        field,
        required,
        message,
        required_message,
        ..
    } = rule;
    let opt = |v: &Option<i64>| match v {
        Some(n) => quote!(::std::option::Option::Some(#n)),
        None => quote!(::std::option::Option::None),
    };
    let check = match &rule.check {
        Check::Text { min_len, max_len } => {
            let (min, max) = (
                opt(&min_len.map(|n| n as i64)),
                opt(&max_len.map(|n| n as i64)),
            );
            quote!(support::Check::Text { min_len: #min, max_len: #max })
        }
        Check::Integer { min, max, one_of } => {
            let (min, max) = (opt(min), opt(max));
            quote!(support::Check::Integer { min: #min, max: #max, one_of: &[#(#one_of),*] })
        }
        Check::DateTime => quote!(support::Check::DateTime),
        Check::DateTimeRange => quote!(support::Check::DateTimeRange),
        Check::Other => quote!(support::Check::Other),
    };
    quote! {
        support::FieldRule {
            field: #field,
            required: #required,
            message: #message,
            required_message: #required_message,
            check: #check,
        }
    }
}

fn method(index: usize, op: &OperationModel) -> TokenStream {
    let name = format_ident!("{}", op.method_name);
    let body: syn::Path = syn::parse_str(&format!("crate::types::{}", op.body_schema))
        .expect("schema names are checked to be Rust identifiers in model.rs");
    let data: syn::Type = syn::parse_str(&op.data_type).expect("data types are Rust types");
    let (output, decode) = if op.nullable_data {
        (
            quote!(::std::option::Option<#data>),
            quote!(support::nullable_data),
        )
    } else {
        (quote!(#data), quote!(support::data))
    };
    let doc = doc(op);
    quote! {
        #[doc = #doc]
        pub fn #name<B>(&self, body: B) -> crate::Call<#output>
        where
            B: ::std::convert::TryInto<#body>,
            <B as ::std::convert::TryInto<#body>>::Error: ::std::fmt::Display + 'static,
        {
            // Every rule of the spec is checked before sending: a refused request never leaves
            // the process.
            support::call::<B, #body, _>(self, &OPERATIONS[#index], body, #decode)
        }
    }
}

/// `BusinessCode`: the envelope codes the spec names (`x-codes`), and every other one kept.
fn business_code(codes: &[NamedCode]) -> TokenStream {
    let variants = codes.iter().map(|c| {
        let name = format_ident!("{}", c.name);
        let doc = match &c.source {
            Some(source) => format!(
                "{}: {} (Source of the number: {source}.)",
                c.code, c.meaning
            ),
            None => format!("{}: {}", c.code, c.meaning),
        };
        quote!(#[doc = #doc] #name,)
    });
    let from = codes.iter().map(|c| {
        let (name, code) = (format_ident!("{}", c.name), c.code);
        quote!(#code => Self::#name,)
    });
    let to = codes.iter().map(|c| {
        let (name, code) = (format_ident!("{}", c.name), c.code);
        quote!(Self::#name => #code,)
    });
    let meaning = codes.iter().map(|c| {
        let (name, text) = (format_ident!("{}", c.name), &c.meaning);
        quote!(Self::#name => ::std::option::Option::Some(#text),)
    });
    quote! {
        /// An envelope `code` the gateway answered, named where the spec names it (`x-codes`:
        /// the gateway framework's global codes, and the module codes this API answers: member,
        /// goods, the redeem-code family); any other code is kept in
        /// [`BusinessCode::Unknown`], and a code named later moves out of it (the enum is
        /// `non_exhaustive`). From [`Error::business_code`](crate::Error::business_code).
        ///
        /// A redeem handler tells the failures apart by code, not by message:
        ///
        /// ```
        /// use rizzitgo_open_api::BusinessCode;
        ///
        /// fn answer(code: BusinessCode) -> &'static str {
        ///     match code {
        ///         BusinessCode::MemberNotExists => "no member has this email",
        ///         BusinessCode::RedeemCodeNotExists => "no such code",
        ///         BusinessCode::RedeemCodeExpired | BusinessCode::RedeemCodeVoided => "code no longer valid",
        ///         BusinessCode::RedeemCodeExhausted => "code used up",
        ///         BusinessCode::RedeemLimitReached => "already redeemed as often as allowed",
        ///         _ => "other failure",
        ///     }
        /// }
        /// assert_eq!(answer(BusinessCode::from(1_013_020_001)), "code no longer valid");
        /// assert_eq!(answer(BusinessCode::from(1_013_999_999)), "other failure");
        /// assert_eq!(BusinessCode::from(1_013_999_999), BusinessCode::Unknown(1_013_999_999));
        /// ```
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum BusinessCode {
            #(#variants)*
            /// A code the spec does not name, as the gateway sent it.
            Unknown(i64),
        }

        impl ::std::convert::From<i64> for BusinessCode {
            fn from(code: i64) -> Self {
                match code {
                    #(#from)*
                    other => Self::Unknown(other),
                }
            }
        }

        impl BusinessCode {
            /// The code as the gateway sent it.
            pub fn code(self) -> i64 {
                match self {
                    #(#to)*
                    Self::Unknown(code) => code,
                }
            }

            /// What the spec says it means; `None` for an unnamed code.
            pub fn meaning(self) -> ::std::option::Option<&'static str> {
                match self {
                    #(#meaning)*
                    Self::Unknown(_) => ::std::option::Option::None,
                }
            }
        }
    }
}

fn ident(wire_name: &str) -> proc_macro2::Ident {
    format_ident!("{}", snake_case(wire_name))
}

/// `fn <op>_shape()`: where a page of the operation keeps its items and counts.
fn shape(op: &OperationModel, p: &Pagination) -> TokenStream {
    let name = format_ident!("{}_shape", op.method_name);
    let page: syn::Type = syn::parse_str(&op.data_type).expect("data types are Rust types");
    let item: syn::Type = syn::parse_str(&p.item_type).expect("item types are Rust types");
    let items = ident(&p.items);
    let count = |field: &Option<String>| match field {
        Some(field) => {
            let field = ident(field);
            quote!(page.#field.and_then(|n| ::std::convert::TryFrom::try_from(n).ok()))
        }
        None => quote!({
            let _ = page;
            ::std::option::Option::None
        }),
    };
    let (total, total_pages) = (count(&p.total), count(&p.total_pages));
    quote! {
        fn #name() -> support::Shape<#page, #item> {
            fn items(page: &mut #page) -> &mut ::std::vec::Vec<#item> {
                &mut page.#items
            }
            fn total(page: &#page) -> ::std::option::Option<u64> {
                #total
            }
            fn total_pages(page: &#page) -> ::std::option::Option<u64> {
                #total_pages
            }
            support::Shape { items, total, total_pages }
        }
    }
}

/// `<op>_pages` and `<op>_stream`: the operation's pages, and its items, from page 1 to the end.
fn paging_methods(index: usize, op: &OperationModel, p: &Pagination) -> TokenStream {
    let name = format_ident!("{}", op.method_name);
    let pages = format_ident!("{}_pages", op.method_name);
    let stream = format_ident!("{}_stream", op.method_name);
    let shape = format_ident!("{}_shape", op.method_name);
    let request: syn::Path = syn::parse_str(&format!("crate::types::{}", op.body_schema))
        .expect("schema names are checked to be Rust identifiers in model.rs");
    let builder: syn::Path = syn::parse_str(&format!("crate::types::builder::{}", op.body_schema))
        .expect("schema names are checked to be Rust identifiers in model.rs");
    let page: syn::Type = syn::parse_str(&op.data_type).expect("data types are Rust types");
    let item: syn::Type = syn::parse_str(&p.item_type).expect("item types are Rust types");
    let page_field = ident(&p.page);
    let (size, with_size) = match (&p.page_size, p.max_page_size) {
        (Some(field), Some(max)) => {
            let field = ident(field);
            let max = u32::try_from(max).unwrap_or(u32::MAX);
            (
                quote! {
                    // The caller's page size when the filter sets one, else the largest allowed.
                    ::std::option::Option::Some(
                        ::std::convert::TryInto::<#request>::try_into(filter.clone().#page_field(1u32))
                            .ok()
                            .and_then(|request| u32::try_from(request.#field).ok())
                            .unwrap_or(#max),
                    )
                },
                quote! {
                    match size {
                        ::std::option::Option::Some(size) => request.#field(size),
                        ::std::option::Option::None => request,
                    }
                },
            )
        }
        _ => (quote!(::std::option::Option::None), quote!(request)),
    };
    let (mut pages_doc, mut stream_doc) = paging_docs(op, p);
    let filter = format!(
        "types::{}::builder(){}",
        op.body_schema,
        calls(op, |field| {
            field != p.page && Some(field) != p.page_size.as_deref()
        })
    );
    pages_doc.push_str(&example(&format!(
        "use futures::TryStreamExt;\n\
         let filter = {filter};\n\
         let mut pages = Box::pin(client.{pages}(filter));\n\
         while let Some(page) = pages.try_next().await? {{\n    \
             println!(\"{{}} records\", page.{items}.len());\n\
         }}",
        items = snake_case(&p.items),
    )));
    stream_doc.push_str(&example(&format!(
        "use futures::TryStreamExt;\n\
         let filter = {filter};\n\
         let all: Vec<_> = client.{stream}(filter).try_collect().await?;\n\
         println!(\"{{}} records\", all.len());"
    )));
    quote! {
        #[doc = #pages_doc]
        // Generated for any field types: a conversion may be infallible, a binding unneeded.
        #[allow(clippy::unnecessary_fallible_conversions, clippy::let_and_return)]
        pub fn #pages<B>(&self, filter: B) -> crate::Walk<crate::Page<#page>>
        where
            B: ::std::convert::Into<#builder>,
        {
            let filter: #builder = filter.into();
            let size: ::std::option::Option<u32> = #size;
            let client = self.clone();
            support::pages(
                support::clock(self),
                &OPERATIONS[#index],
                size,
                move |page: u32, size: ::std::option::Option<u32>| {
                    let _ = size;
                    let request = filter.clone().#page_field(page);
                    #with_size
                },
                move |request: #builder, options| {
                    ::std::future::IntoFuture::into_future(client.#name(request).with_options(options))
                },
                #shape(),
            )
        }

        #[doc = #stream_doc]
        pub fn #stream<B>(&self, filter: B) -> crate::Walk<#item>
        where
            B: ::std::convert::Into<#builder>,
        {
            support::items(self.#pages(filter), #shape().items)
        }
    }
}

fn paging_docs(op: &OperationModel, p: &Pagination) -> (String, String) {
    let name = &op.method_name;
    let page_type = op.data_type.trim_start_matches("crate::");
    let item_type = p.item_type.trim_start_matches("crate::");
    let size = match (&p.page_size, p.max_page_size) {
        (Some(field), Some(max)) => format!(
            " Pages hold `{field}` records: the filter's own value if it sets one, else {max}, \
             the largest the gateway allows; the same for the whole walk."
        ),
        _ => " The gateway chooses the page size.".to_owned(),
    };
    let mut stops = vec!["an empty page".to_owned()];
    if p.page_size.is_some() {
        stops.push("a page shorter than the page size".to_owned());
    }
    if let Some(total) = &p.total {
        stops.push(format!("the `{total}` of the first page"));
    }
    if let Some(pages) = &p.total_pages {
        stops.push(format!("the reported `{pages}`"));
    }
    let common = format!(
        "`filter` is the request (or its builder) without `{page}`: the walk starts at page 1 and \
         sets it.{size} It stops at {stops}, whichever comes first. Each page is a call of \
         [`{name}`](crate::Client::{name}), with its retries; the first error ends the stream.\n\n\
         Records that appear between two pages shift the later pages: what a page repeats of the \
         previous one is dropped, and no more than the first page's total is yielded, so no \
         record comes twice. Memory: two pages at most.",
        page = p.page,
        stops = stops.join(", "),
    );
    let options = "The [`Walk`](crate::Walk) it returns is a stream that takes a call's options \
         before its first poll: a deadline for the whole walk (`deadline`) and for each page \
         (`page_deadline`), `attempt_timeout`, `retry_policy` and `header`.";
    let pages_doc = format!(
        "Every page of [`{name}`](crate::Client::{name}), as a stream of \
         [`Page`](crate::Page)`<{page_type}>` (it derefs to the page; `number()` is its page \
         number).\n\n{common}\n\n{options}"
    );
    let stream_doc = format!(
        "Every record of [`{name}`](crate::Client::{name}), page after page, as a stream of \
         `{item_type}`.\n\n{common}\n\n{options} Use `futures::TryStreamExt` to consume it \
         (`try_next`, `try_collect`)."
    );
    (pages_doc, stream_doc)
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
    let request = format!(
        "types::{}::builder(){}",
        op.body_schema,
        calls(op, |_| true)
    );
    doc.push_str(&example(&format!(
        "let request = {request};\nlet data = client.{}(request).await?;\nprintln!(\"{{data:?}}\");",
        op.method_name
    )));
    doc
}

/// The spec's request example as builder calls, without the fields `keep` refuses.
fn calls(op: &OperationModel, keep: impl Fn(&str) -> bool) -> String {
    op.example_calls
        .iter()
        .filter(|(field, _)| keep(field))
        .map(|(_, call)| format!("\n    {call}"))
        .collect()
}

/// A `# Example` section: `body` runs with `client` in scope (compiled, not run: it needs a
/// gateway).
fn example(body: &str) -> String {
    format!(
        "\n\n# Example\n\n```no_run\n\
         # async fn example(client: rizzitgo_open_api::Client) -> Result<(), Box<dyn std::error::Error>> {{\n\
         use rizzitgo_open_api::types;\n\
         {body}\n\
         # Ok(()) }}\n\
         ```"
    )
}
