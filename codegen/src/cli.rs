//! The `rizzitgo` command line's operations: one clap subcommand per business operation of
//! the spec, with a flag per request field, each calling the SDK's facade method (so tokens,
//! retries, validation and errors are the SDK's).
//!
//! progenitor's own `Generator::cli` is not used: it calls the raw builder client, so it would
//! print the gateway's `{code, data, msg}` envelope and bypass the SDK's validation, retries and
//! typed errors, and it only knows dropshot's pagination, not `x-pagination`.
//!
//! The generated file refers to the `rizzitgo-cli` crate's hand-written modules: `request`
//! (`Spec`, `Field`, `Kind`, `Paging`, `body`, `is_all`, `operation`), `output::Output` and
//! `failure::Failure`.

use crate::model::{Auth, OperationModel, component, operations, schema_name, snake_case};
use openapiv3::{OpenAPI, ReferenceOr, Schema, SchemaKind, Type};
use proc_macro2::TokenStream;
use quote::{format_ident, quote};

/// Flags of the command line itself: no request field may take one of these names.
pub const RESERVED_FLAGS: &[&str] = &[
    "json-body",
    "all",
    "output",
    "help",
    "version",
    "mock",
    "sandbox",
    "base-url",
    "timeout",
];

/// Subcommands of the command line itself: no operation may take one of these names.
pub const RESERVED_COMMANDS: &[&str] = &["token", "completions", "help"];

/// How a request field is given on the command line, from its JSON type.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FieldKind {
    /// A JSON string.
    Text,
    /// A JSON integer.
    Integer,
    /// A JSON number.
    Number,
    /// `true` or `false`.
    Boolean,
    /// An array of exactly two strings (a time range): the flag takes two values.
    TextPair,
    /// An array of strings: the flag is repeated.
    TextList,
    /// An array of integers: the flag is repeated.
    IntegerList,
    /// Anything else: the flag's value is JSON.
    Json,
}

/// One request field as a flag.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CliField {
    /// The wire name, e.g. `goodsId`.
    pub wire: String,
    /// The flag, e.g. `goods-id` (for `--goods-id`).
    pub flag: String,
    /// Its JSON type.
    pub kind: FieldKind,
    /// Whether the request requires it (checked by the SDK, not by clap: `--json-body` may
    /// give it instead).
    pub required: bool,
    /// The help line, from the spec's description.
    pub help: String,
}

/// `goodsDetail` → `goods-detail`: subcommand and flag names.
pub fn kebab_case(id: &str) -> String {
    snake_case(id).replace('_', "-")
}

/// The command-line source file for the spec (formatted Rust), for the cli crate's `build.rs`.
pub fn generate_cli(spec: &OpenAPI) -> Result<String, String> {
    crate::format_tokens(cli_tokens(spec)?)
}

/// The command-line code, as tokens.
pub fn cli_tokens(spec: &OpenAPI) -> Result<TokenStream, String> {
    let ops: Vec<OperationModel> = operations(spec)?
        .into_iter()
        // The token endpoints have their own hand-written `token` command.
        .filter(|op| op.auth == Auth::Bearer)
        .collect();
    let mut specs = Vec::new();
    let mut runners = Vec::new();
    let mut arms = Vec::new();
    for op in &ops {
        let fields = request_fields(spec, &op.body_schema)
            .map_err(|e| format!("{} {}: {e}", op.http_method, op.path))?;
        let command = kebab_case(&op.operation_id);
        if RESERVED_COMMANDS.contains(&command.as_str()) {
            return Err(format!(
                "{} {}: the subcommand `{command}` is one of the command line's own",
                op.http_method, op.path
            ));
        }
        let spec_name = format_ident!("{}", op.method_name.to_uppercase());
        let runner = format_ident!("{}", op.method_name);
        specs.push(spec_const(op, &command, &spec_name, &fields));
        runners.push(runner_fn(op, &spec_name, &runner));
        arms.push(quote!(#command => #runner(client, matches, out).await,));
    }
    let spec_names = ops
        .iter()
        .map(|op| format_ident!("{}", op.method_name.to_uppercase()));
    Ok(quote! {
        /// Every business operation of the spec, in spec order.
        pub(crate) static OPERATIONS: &[&crate::request::Spec] = &[#(&#spec_names),*];

        #(#specs)*

        /// Runs the operation subcommand `command`; `None` when it is not one.
        pub(crate) async fn run(
            client: &::rizzitgo_open_api::Client,
            command: &str,
            matches: &::clap::ArgMatches,
            out: &crate::output::Output,
        ) -> ::std::option::Option<::std::result::Result<(), crate::failure::Failure>> {
            ::std::option::Option::Some(match command {
                #(#arms)*
                _ => return ::std::option::Option::None,
            })
        }

        #(#runners)*
    })
}

fn spec_const(
    op: &OperationModel,
    command: &str,
    name: &proc_macro2::Ident,
    fields: &[CliField],
) -> TokenStream {
    let method = &op.method_name;
    let about = op.summary.trim_end_matches('.').to_owned();
    let mut long_about = format!("{about}.\n\n");
    if !op.description.is_empty() {
        long_about.push_str(op.description.trim_end());
        long_about.push_str("\n\n");
    }
    long_about.push_str(&format!(
        "{} {} (SDK method `{}`, since guide v{}).",
        op.http_method, op.path, op.method_name, op.since
    ));
    if !op.scopes.is_empty() {
        long_about.push_str(&format!(" Scope: {}.", op.scopes.join(", ")));
    }
    long_about.push_str(
        "\n\nGive the request as flags, or whole as JSON with --json-body FILE (- for stdin). \
         Prints the answer's `data` as JSON.",
    );
    let fields = fields.iter().map(|f| {
        let CliField {
            wire, flag, help, ..
        } = f;
        let kind = format_ident!("{}", format!("{:?}", f.kind));
        quote! {
            crate::request::Field {
                wire: #wire,
                flag: #flag,
                kind: crate::request::Kind::#kind,
                help: #help,
            }
        }
    });
    let paging = match &op.pagination {
        Some(p) => {
            let page = &p.page;
            let items = &p.items;
            let size = match (&p.page_size, p.max_page_size) {
                (Some(field), Some(max)) => {
                    quote!(::std::option::Option::Some((#field, #max)))
                }
                _ => quote!(::std::option::Option::None),
            };
            quote!(::std::option::Option::Some(crate::request::Paging {
                page: #page,
                page_size: #size,
                items: #items,
            }))
        }
        None => quote!(::std::option::Option::None),
    };
    quote! {
        static #name: crate::request::Spec = crate::request::Spec {
            command: #command,
            operation: #method,
            about: #about,
            long_about: #long_about,
            fields: &[#(#fields),*],
            paging: #paging,
        };
    }
}

fn runner_fn(
    op: &OperationModel,
    spec_name: &proc_macro2::Ident,
    runner: &proc_macro2::Ident,
) -> TokenStream {
    let method = format_ident!("{}", op.method_name);
    let request: syn::Path =
        syn::parse_str(&format!("::rizzitgo_open_api::types::{}", op.body_schema))
            .expect("schema names are checked to be Rust identifiers in model.rs");
    let all = op.pagination.as_ref().map(|_| {
        let pages = format_ident!("{}_pages", op.method_name);
        quote! {
            if crate::request::is_all(matches) {
                return out.pages(client.#pages(request), spec).await;
            }
        }
    });
    quote! {
        async fn #runner(
            client: &::rizzitgo_open_api::Client,
            matches: &::clap::ArgMatches,
            out: &crate::output::Output,
        ) -> ::std::result::Result<(), crate::failure::Failure> {
            let spec = &#spec_name;
            let body = crate::request::body(spec, matches)?;
            // The SDK's rules and messages, field by field, before anything is sent.
            let request: #request = crate::request::operation(spec)?.request_from_json(body)?;
            #all
            let data = client.#method(request).await?;
            out.data(&data, spec)
        }
    }
}

/// The fields of a request body schema, as flags, in schema order.
pub fn request_fields(spec: &OpenAPI, body_schema: &str) -> Result<Vec<CliField>, String> {
    let schema = component(spec, body_schema)?;
    let SchemaKind::Type(Type::Object(object)) = &schema.schema_kind else {
        return Err(format!("{body_schema}: a request body must be an object"));
    };
    let mut fields = Vec::new();
    for (wire, property) in &object.properties {
        let (own, resolved) = resolve(spec, property)?;
        let flag = kebab_case(wire);
        if RESERVED_FLAGS.contains(&flag.as_str()) {
            return Err(format!(
                "{body_schema}.{wire}: the flag --{flag} is one of the command line's own"
            ));
        }
        let kind = kind_of(spec, resolved)?;
        let required = object.required.contains(wire);
        fields.push(CliField {
            wire: wire.clone(),
            flag,
            kind,
            required,
            help: help(own, resolved, kind, required),
        });
    }
    Ok(fields)
}

/// The property's own schema (if inline) and the schema it resolves to.
fn resolve<'a>(
    spec: &'a OpenAPI,
    property: &'a ReferenceOr<Box<Schema>>,
) -> Result<(Option<&'a Schema>, &'a Schema), String> {
    Ok(match property {
        ReferenceOr::Item(s) => match &s.schema_kind {
            SchemaKind::AllOf { all_of } if all_of.len() == 1 => match &all_of[0] {
                ReferenceOr::Reference { reference } => {
                    (Some(&**s), component(spec, schema_name(reference))?)
                }
                ReferenceOr::Item(inner) => (Some(&**s), inner),
            },
            _ => (Some(&**s), &**s),
        },
        ReferenceOr::Reference { reference } => (None, component(spec, schema_name(reference))?),
    })
}

fn kind_of(spec: &OpenAPI, schema: &Schema) -> Result<FieldKind, String> {
    Ok(match &schema.schema_kind {
        SchemaKind::Type(Type::String(_)) => FieldKind::Text,
        SchemaKind::Type(Type::Integer(_)) => FieldKind::Integer,
        SchemaKind::Type(Type::Number(_)) => FieldKind::Number,
        SchemaKind::Type(Type::Boolean(_)) => FieldKind::Boolean,
        SchemaKind::Type(Type::Array(array)) => {
            let item = match &array.items {
                Some(ReferenceOr::Reference { reference }) => {
                    Some(component(spec, schema_name(reference))?)
                }
                Some(ReferenceOr::Item(s)) => Some(&**s),
                None => None,
            };
            match item.map(|s| &s.schema_kind) {
                Some(SchemaKind::Type(Type::String(_)))
                    if array.min_items == Some(2) && array.max_items == Some(2) =>
                {
                    FieldKind::TextPair
                }
                Some(SchemaKind::Type(Type::String(_))) => FieldKind::TextList,
                Some(SchemaKind::Type(Type::Integer(_))) => FieldKind::IntegerList,
                _ => FieldKind::Json,
            }
        }
        _ => FieldKind::Json,
    })
}

fn help(own: Option<&Schema>, resolved: &Schema, kind: FieldKind, required: bool) -> String {
    let description = own
        .and_then(|s| s.schema_data.description.as_deref())
        .or(resolved.schema_data.description.as_deref())
        .unwrap_or_default();
    // The first sentence or line: clap shows the help beside the flag.
    let mut text = description
        .split("\n\n")
        .next()
        .unwrap_or_default()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    if let SchemaKind::Type(Type::Integer(int)) = &resolved.schema_kind {
        let values: Vec<String> = int
            .enumeration
            .iter()
            .flatten()
            .map(i64::to_string)
            .collect();
        if !values.is_empty() {
            text.push_str(&format!(" One of {}.", values.join(", ")));
        }
    }
    match kind {
        FieldKind::TextPair => text.push_str(" Two values: start end."),
        FieldKind::TextList | FieldKind::IntegerList => text.push_str(" Repeat for each value."),
        FieldKind::Json => text.push_str(" JSON."),
        _ => {}
    }
    if required {
        text.push_str(" [required]");
    }
    text.trim().to_owned()
}
