//! A SOSL subset: `FIND {term} [IN ALL|NAME|EMAIL|PHONE FIELDS]
//! [RETURNING Obj[(fields [WHERE …] [ORDER BY …] [LIMIT n])], …] [LIMIT n]`.

use crate::schema::FType;
use crate::soql::{self, ResultSet, Rows, SoqlError};
use crate::store::{Org, Record, Value};
use std::sync::Arc;

fn search_error(msg: &str) -> SoqlError {
    SoqlError {
        code: "MALFORMED_SEARCH",
        message: msg.to_string(),
        row: -1,
        column: -1,
    }
}

/// Splits at commas outside parentheses.
fn split_top(s: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut depth = 0i32;
    let mut cur = String::new();
    for c in s.chars() {
        match c {
            '(' => depth += 1,
            ')' => depth -= 1,
            ',' if depth == 0 => {
                out.push(std::mem::take(&mut cur));
                continue;
            }
            _ => {}
        }
        cur.push(c);
    }
    if !cur.trim().is_empty() {
        out.push(cur);
    }
    out
}

/// Position of the first top-level clause keyword in a RETURNING field list.
fn clause_start(s: &str) -> usize {
    let upper = s.to_ascii_uppercase();
    let mut best = s.len();
    for kw in [" WHERE ", " ORDER BY ", " LIMIT ", " OFFSET "] {
        if let Some(p) = upper.find(kw) {
            best = best.min(p);
        }
    }
    best
}

/// The rows of one RETURNING object, with the result set that renders them.
pub type SearchGroup = (ResultSet, Vec<Arc<Record>>);

/// Runs a search; one (result set, matching rows) per RETURNING object.
pub fn run(org: &Org, sosl: &str) -> Result<Vec<SearchGroup>, SoqlError> {
    let s = sosl.trim();
    if !s.to_ascii_uppercase().starts_with("FIND") {
        return Err(search_error(
            "unexpected token: the search must start with FIND",
        ));
    }
    let (Some(open), Some(close)) = (s.find('{'), s.rfind('}')) else {
        return Err(search_error(
            "No search term found. The search term must be enclosed in braces.",
        ));
    };
    if close < open {
        return Err(search_error(
            "No search term found. The search term must be enclosed in braces.",
        ));
    }
    let term = s[open + 1..close].trim().to_lowercase();
    let words: Vec<String> = term
        .split_whitespace()
        .map(|w| {
            w.trim_matches(|c| c == '"' || c == '*' || c == '?')
                .to_string()
        })
        .filter(|w| !w.is_empty() && w != "and")
        .collect();
    if words.iter().map(|w| w.chars().count()).sum::<usize>() < 2 {
        return Err(search_error(
            "search term must be longer than one character",
        ));
    }
    let mut rest = s[close + 1..].trim().to_string();
    let upper = rest.to_ascii_uppercase();
    let mut scope = "ALL";
    if upper.starts_with("IN ") {
        let parts: Vec<&str> = rest.splitn(4, char::is_whitespace).collect();
        if parts.len() < 3 || !parts[2].eq_ignore_ascii_case("FIELDS") {
            return Err(search_error(
                "unexpected token after IN: expected ALL|NAME|EMAIL|PHONE FIELDS",
            ));
        }
        scope = match parts[1].to_ascii_uppercase().as_str() {
            "ALL" => "ALL",
            "NAME" => "NAME",
            "EMAIL" => "EMAIL",
            "PHONE" => "PHONE",
            other => return Err(search_error(&format!("unexpected token: {other}"))),
        };
        rest = parts.get(3).unwrap_or(&"").trim().to_string();
    }
    let mut total_limit = usize::MAX;
    let upper = rest.to_ascii_uppercase();
    if let Some(p) = upper.rfind("LIMIT ") {
        // a trailing LIMIT outside parentheses
        if !rest[p..].contains(')') {
            total_limit = rest[p + 6..]
                .trim()
                .parse()
                .map_err(|_| search_error("bad LIMIT"))?;
            rest.truncate(p);
        }
    }
    let specs: Vec<String> = if rest.to_ascii_uppercase().starts_with("RETURNING") {
        split_top(&rest[9..])
    } else if rest.trim().is_empty() {
        ["Account", "Contact", "Lead", "User"]
            .iter()
            .map(|s| s.to_string())
            .collect()
    } else {
        return Err(search_error(&format!(
            "unexpected token: {}",
            rest.split_whitespace().next().unwrap_or("")
        )));
    };
    let mut out = Vec::new();
    let mut budget = total_limit;
    for spec in specs {
        let spec = spec.trim();
        let (obj, inner) = match spec.find('(') {
            Some(p) => (
                spec[..p].trim(),
                spec[p + 1..].trim_end().trim_end_matches(')').trim(),
            ),
            None => (spec, "Id"),
        };
        let cut = clause_start(&format!(" {inner} "))
            .saturating_sub(1)
            .min(inner.len());
        let (fields, clauses) = inner.split_at(cut);
        let fields = if fields.trim().is_empty() {
            "Id"
        } else {
            fields.trim()
        };
        let q = format!("SELECT {fields} FROM {obj} {clauses}");
        let compiled = soql::compile(&org.schema, &q)?;
        let rs = soql::execute(org, &compiled, false);
        let def = org.schema.def(compiled.obj);
        let searchable: Vec<usize> = def
            .fields
            .iter()
            .enumerate()
            .filter(|(_, f)| match scope {
                "NAME" => {
                    f.name_field
                        || f.name == "FirstName"
                        || f.name == "LastName"
                        || f.name == "Company"
                }
                "EMAIL" => f.ftype == FType::Email,
                "PHONE" => f.ftype == FType::Phone,
                _ => f.ftype.is_text(),
            })
            .map(|(i, _)| i)
            .collect();
        let rows: Vec<Arc<Record>> = match &rs.rows {
            Rows::Records(r) => r
                .iter()
                .filter(|rec| {
                    let hay: String = searchable
                        .iter()
                        .filter_map(|i| match &rec.values[*i] {
                            Value::Str(s) => Some(s.to_lowercase()),
                            _ => None,
                        })
                        .collect::<Vec<_>>()
                        .join("\u{1}");
                    words.iter().all(|w| hay.contains(w.as_str()))
                })
                .take(budget)
                .cloned()
                .collect(),
            _ => Vec::new(),
        };
        budget = budget.saturating_sub(rows.len());
        out.push((rs, rows));
    }
    Ok(out)
}
