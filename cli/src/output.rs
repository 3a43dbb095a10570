//! What a command prints: the answer's `data` as pretty JSON (`--output json`, the default),
//! or as a table (`--output table`); with `--all`, every record as it comes.

use crate::failure::Failure;
use crate::request::Spec;
use clap::{Arg, ArgMatches};
use futures_util::{Stream, StreamExt};
use serde::Serialize;
use serde_json::Value;
use std::io::Write;

const ARG: &str = "output";

/// The global `--output` flag.
pub(crate) fn arg() -> Arg {
    Arg::new(ARG)
        .long(ARG)
        .short('o')
        .value_name("FORMAT")
        .value_parser(["json", "table"])
        .default_value("json")
        .help("json: the answer's data, pretty; table: one row per record of a list-shaped answer")
        .global(true)
        .help_heading(crate::config::GLOBAL)
}

/// The chosen output format.
pub(crate) struct Output {
    table: bool,
}

impl Output {
    pub(crate) fn new(matches: &ArgMatches) -> Self {
        let format = matches
            .get_one::<String>(ARG)
            .map_or("json", String::as_str);
        Self {
            table: format == "table",
        }
    }

    /// Prints an answer's `data`; `spec` says where a page keeps its records.
    pub(crate) fn data<T: Serialize>(&self, data: &T, spec: &Spec) -> Result<(), Failure> {
        let items = spec.paging.as_ref().map(|p| p.items);
        self.value(&to_value(data)?, items)
    }

    /// Prints a value; a table shows the records of `items` when the value is a page.
    pub(crate) fn value(&self, value: &Value, items: Option<&str>) -> Result<(), Failure> {
        let mut out = std::io::stdout().lock();
        if self.table {
            let rows = match (value, items) {
                (Value::Object(page), Some(items)) => page.get(items).cloned().unwrap_or_default(),
                _ => value.clone(),
            };
            let mut table = Table::default();
            match rows {
                Value::Array(rows) => table.rows(&rows),
                Value::Object(fields) => table.fields(&fields),
                other => table.rows(&[other]),
            }
            table.write(&mut out)?;
        } else {
            writeln!(out, "{}", pretty(value)?)?;
        }
        Ok(out.flush()?)
    }

    /// `--all`: every page's records, printed page by page as they arrive: one JSON array
    /// (closed even when a page fails), or one table whose columns the first page sets.
    pub(crate) async fn pages<P, S>(&self, pages: S, spec: &Spec) -> Result<(), Failure>
    where
        P: Serialize,
        S: Stream<Item = Result<rizzitgo_open_api::Page<P>, rizzitgo_open_api::Error>>,
    {
        let items = spec.paging.as_ref().map_or("list", |p| p.items);
        let mut pages = std::pin::pin!(pages);
        let mut table = Table::default();
        let mut first = true;
        let mut out = std::io::stdout().lock();
        if !self.table {
            write!(out, "[")?;
        }
        let outcome = loop {
            let page = match pages.next().await {
                None => break Ok(()),
                Some(Err(error)) => break Err(Failure::from(error)),
                Some(Ok(page)) => to_value(page.data())?,
            };
            let records = match page.get(items) {
                Some(Value::Array(records)) => records.clone(),
                _ => Vec::new(),
            };
            if self.table {
                table.rows(&records);
                table.write(&mut out)?;
                table.clear_rows();
            } else {
                for record in &records {
                    let text = pretty(record)?.replace('\n', "\n  ");
                    write!(out, "{}\n  {text}", if first { "" } else { "," })?;
                    first = false;
                }
            }
            out.flush()?;
        };
        if !self.table {
            writeln!(out, "{}]", if first { "" } else { "\n" })?;
            out.flush()?;
        }
        outcome
    }
}

fn to_value<T: Serialize>(data: &T) -> Result<Value, Failure> {
    serde_json::to_value(data).map_err(|e| {
        Failure::Output(std::io::Error::other(format!(
            "cannot encode the answer: {e}"
        )))
    })
}

fn pretty(value: &Value) -> Result<String, Failure> {
    serde_json::to_string_pretty(value)
        .map_err(|e| Failure::Output(std::io::Error::other(e.to_string())))
}

/// A plain-text table: a header, then aligned rows. Columns come from the first records
/// (their keys, in order); later records keep those columns and widths.
#[derive(Default)]
struct Table {
    columns: Vec<String>,
    widths: Vec<usize>,
    header_written: bool,
    rows: Vec<Vec<String>>,
}

impl Table {
    fn rows(&mut self, records: &[Value]) {
        if self.columns.is_empty() {
            self.columns = match records.first() {
                Some(Value::Object(first)) => first.keys().cloned().collect(),
                Some(_) => vec!["value".to_owned()],
                None => return,
            };
            self.widths = self.columns.iter().map(|c| c.chars().count()).collect();
        }
        for record in records {
            let row: Vec<String> = match record {
                Value::Object(fields) => self
                    .columns
                    .iter()
                    .map(|c| fields.get(c).map(cell).unwrap_or_default())
                    .collect(),
                other => vec![cell(other)],
            };
            if !self.header_written {
                for (width, text) in self.widths.iter_mut().zip(&row) {
                    *width = (*width).max(text.chars().count());
                }
            }
            self.rows.push(row);
        }
    }

    /// A single record: one row per field.
    fn fields(&mut self, fields: &serde_json::Map<String, Value>) {
        let records: Vec<Value> = fields
            .iter()
            .map(|(name, value)| serde_json::json!({"field": name, "value": cell(value)}))
            .collect();
        self.rows(&records);
    }

    fn clear_rows(&mut self) {
        self.rows.clear();
    }

    fn write(&mut self, out: &mut impl Write) -> std::io::Result<()> {
        if self.columns.is_empty() {
            return Ok(());
        }
        if !self.header_written {
            let header = self.columns.clone();
            self.line(out, &header)?;
            self.header_written = true;
        }
        for row in std::mem::take(&mut self.rows) {
            self.line(out, &row)?;
        }
        Ok(())
    }

    fn line(&self, out: &mut impl Write, cells: &[String]) -> std::io::Result<()> {
        let mut line = String::new();
        for (i, (text, width)) in cells.iter().zip(&self.widths).enumerate() {
            if i + 1 == cells.len() {
                line.push_str(text);
            } else {
                let pad = width.saturating_sub(text.chars().count());
                line.push_str(text);
                line.push_str(&" ".repeat(pad + 2));
            }
        }
        writeln!(out, "{}", line.trim_end())
    }
}

/// A value as a table cell: strings as they are, the rest as compact JSON.
fn cell(value: &Value) -> String {
    match value {
        Value::String(text) => text.clone(),
        Value::Null => String::new(),
        other => other.to_string(),
    }
}
