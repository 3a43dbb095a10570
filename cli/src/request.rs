//! A request from the command line: one flag per field of the operation's request (each value
//! parsed into the field's JSON type), or the whole body with `--json-body FILE|-`. The JSON is
//! then decoded by the SDK (`Operation::request_from_json`), whose messages name the field.

use crate::failure::Failure;
use clap::{Arg, ArgAction, ArgMatches, Command};
use rizzitgo_open_api::Operation;
use serde_json::{Map, Value};
use std::io::Read;

/// An operation's subcommand, as generated from the spec.
pub(crate) struct Spec {
    /// The subcommand, e.g. `goods-detail`.
    pub(crate) command: &'static str,
    /// The SDK method (and `Operation::find` name), e.g. `goods_detail`.
    pub(crate) operation: &'static str,
    pub(crate) about: &'static str,
    pub(crate) long_about: &'static str,
    pub(crate) fields: &'static [Field],
    /// `x-pagination`: the operation has `--all`.
    pub(crate) paging: Option<Paging>,
}

/// One field of the request.
pub(crate) struct Field {
    /// The wire name, e.g. `goodsId`.
    pub(crate) wire: &'static str,
    /// The flag, e.g. `goods-id`.
    pub(crate) flag: &'static str,
    pub(crate) kind: Kind,
    /// Says `[required]` for a field the spec requires: the SDK refuses a request without it
    /// (clap does not, since `--json-body` may carry it).
    pub(crate) help: &'static str,
}

/// The JSON type of a field, i.e. how its flag is parsed.
// Every kind the generator knows, though today's spec uses only some of them.
#[allow(dead_code)]
#[derive(Clone, Copy)]
pub(crate) enum Kind {
    Text,
    Integer,
    Number,
    Boolean,
    /// Two strings (a time range): `--flag START END`.
    TextPair,
    /// Strings: the flag repeated.
    TextList,
    /// Integers: the flag repeated.
    IntegerList,
    /// A JSON value.
    Json,
}

/// How the operation pages (`x-pagination`), for `--all`.
pub(crate) struct Paging {
    /// The page-number field.
    pub(crate) page: &'static str,
    /// The page-size field and the largest size.
    pub(crate) page_size: Option<(&'static str, u64)>,
    /// The response field with the page's items.
    pub(crate) items: &'static str,
}

const JSON_BODY: &str = "json-body";
const ALL: &str = "all";

/// The clap subcommand of an operation.
pub(crate) fn command(spec: &'static Spec) -> Command {
    let ids: Vec<&'static str> = spec.fields.iter().map(|f| f.wire).collect();
    let mut command = Command::new(spec.command)
        .about(spec.about)
        .long_about(spec.long_about)
        .args(spec.fields.iter().map(field_arg))
        .arg(
            Arg::new(JSON_BODY)
                .long(JSON_BODY)
                .value_name("FILE|-")
                .help("The whole request as a JSON object, from a file or - for stdin")
                .conflicts_with_all(ids),
        );
    if let Some(paging) = &spec.paging {
        command = command.arg(
            crate::switch(
                ALL,
                "Every page, from the first: prints every record as it comes",
            )
            .conflicts_with(paging.page),
        );
    }
    command
}

fn field_arg(field: &'static Field) -> Arg {
    let arg = Arg::new(field.wire).long(field.flag).help(field.help);
    match field.kind {
        Kind::Text => arg.value_name("TEXT"),
        Kind::Integer => arg
            .value_name("INTEGER")
            .value_parser(clap::value_parser!(i64))
            .allow_negative_numbers(true),
        Kind::Number => arg
            .value_name("NUMBER")
            .value_parser(clap::value_parser!(f64))
            .allow_negative_numbers(true),
        Kind::Boolean => arg
            .value_name("true|false")
            .value_parser(clap::value_parser!(bool)),
        Kind::TextPair => arg.num_args(2).value_names(["START", "END"]),
        Kind::TextList => arg.value_name("TEXT").action(ArgAction::Append),
        Kind::IntegerList => arg
            .value_name("INTEGER")
            .value_parser(clap::value_parser!(i64))
            .action(ArgAction::Append),
        Kind::Json => arg.value_name("JSON"),
    }
}

/// The SDK's operation of a subcommand.
pub(crate) fn operation(spec: &Spec) -> Result<&'static Operation, Failure> {
    Operation::find(spec.operation).ok_or_else(|| {
        Failure::Usage(format!(
            "the SDK has no operation {} (the CLI and the SDK were built from different specs)",
            spec.operation
        ))
    })
}

/// Whether `--all` was given.
pub(crate) fn is_all(matches: &ArgMatches) -> bool {
    matches.try_get_one::<bool>(ALL).ok().flatten() == Some(&true)
}

/// The flag of a request field of an operation, for hints.
pub(crate) fn flag_of(operation: &str, wire: &str) -> Option<&'static str> {
    crate::generated::OPERATIONS
        .iter()
        .find(|spec| spec.operation == operation)?
        .fields
        .iter()
        .find(|field| field.wire == wire)
        .map(|field| field.flag)
}

/// The request body as JSON: `--json-body`, else the flags given. With `--all`, the first
/// page (the SDK's page walk sets the page number, and keeps a page size the body sets).
pub(crate) fn body(spec: &Spec, matches: &ArgMatches) -> Result<Value, Failure> {
    let mut body = match matches.get_one::<String>(JSON_BODY) {
        Some(source) => read_json_body(source)?,
        None => {
            let mut body = Map::new();
            for field in spec.fields {
                if let Some(value) = flag_value(field, matches)? {
                    body.insert(field.wire.to_owned(), value);
                }
            }
            Value::Object(body)
        }
    };
    if let (Some(paging), true, Value::Object(map)) = (&spec.paging, is_all(matches), &mut body) {
        map.insert(paging.page.to_owned(), Value::from(1));
        if let Some((field, largest)) = paging.page_size {
            map.entry(field).or_insert(Value::from(largest));
        }
    }
    Ok(body)
}

fn flag_value(field: &Field, matches: &ArgMatches) -> Result<Option<Value>, Failure> {
    let id = field.wire;
    Ok(match field.kind {
        Kind::Text => matches
            .get_one::<String>(id)
            .map(|s| Value::from(s.as_str())),
        Kind::Integer => matches.get_one::<i64>(id).map(|n| Value::from(*n)),
        Kind::Number => match matches.get_one::<f64>(id) {
            Some(n) => Some(
                serde_json::Number::from_f64(*n)
                    .map(Value::Number)
                    .ok_or_else(|| {
                        Failure::Usage(format!("--{}: not a finite number", field.flag))
                    })?,
            ),
            None => None,
        },
        Kind::Boolean => matches.get_one::<bool>(id).map(|b| Value::from(*b)),
        Kind::TextPair | Kind::TextList => matches
            .get_many::<String>(id)
            .map(|values| Value::from_iter(values.map(|s| Value::from(s.as_str())))),
        Kind::IntegerList => matches
            .get_many::<i64>(id)
            .map(|values| Value::from_iter(values.map(|n| Value::from(*n)))),
        Kind::Json => match matches.get_one::<String>(id) {
            Some(text) => Some(
                serde_json::from_str(text)
                    .map_err(|e| Failure::Usage(format!("--{}: not JSON: {e}", field.flag)))?,
            ),
            None => None,
        },
    })
}

/// Reads `--json-body`: a file, or stdin for `-`.
fn read_json_body(source: &str) -> Result<Value, Failure> {
    let mut text = String::new();
    let read = if source == "-" {
        std::io::stdin().read_to_string(&mut text)
    } else {
        std::fs::File::open(source).and_then(|mut file| file.read_to_string(&mut text))
    };
    let name = if source == "-" { "stdin" } else { source };
    read.map_err(|e| Failure::Usage(format!("--json-body: cannot read {name}: {e}")))?;
    let body: Value = serde_json::from_str(&text)
        .map_err(|e| Failure::Usage(format!("--json-body: {name} is not JSON: {e}")))?;
    if !body.is_object() {
        return Err(Failure::Usage(format!(
            "--json-body: {name} must hold a JSON object (the request's fields)"
        )));
    }
    Ok(body)
}
