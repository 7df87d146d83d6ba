//! SOQL quoting and SELECT building.
//!
//! [`quote`] is the one function that turns a string into a SOQL string
//! literal; every value that goes into a SOQL statement goes through it (or
//! through [`quote_like`] for a `LIKE` pattern that must match literally).
//!
//! [`build_select`] builds the statements of the sync: fields deduplicated
//! case-insensitively, the admin's `Where` setting appended as given,
//! `ORDER BY Id` for stable paging and `LIMIT` from the setting.
//!
//! Differences from the original module, on purpose:
//! - The original appended `GROUP BY <every field> LIMIT n` when a limit was
//!   set. `GROUP BY` fails on relationship fields (`Owner.Name`) and turns
//!   records into `AggregateResult`s, so it is dropped: `LIMIT n` alone.
//! - The `Where` setting is admin-trusted SOQL (it is a SysConfig value, not
//!   user input) and is passed through unchanged, but it is checked for the
//!   mistakes that would silently change the statement: a `;` (SOQL has no
//!   statement separator), a leading `WHERE` keyword (the setting holds only
//!   the condition), and `LIMIT`, `OFFSET`, `ORDER BY`, `GROUP BY`,
//!   `HAVING`, `FOR` outside string literals (the builder adds its own
//!   `ORDER BY` and `LIMIT`). Those give a `CONFIG` error naming the setting.

use crate::error::{Error, ErrorKind, Result};

/// Quotes `value` as a SOQL string literal: `'...'`, with `\'`, `\"`,
/// `\\`, `\n`, `\r`, `\t`, `\b`, `\f` escaped (the SOQL escape sequences).
/// `%` and `_` are left alone: in `=` comparisons they are ordinary
/// characters. Use [`quote_like`] for a `LIKE` pattern.
pub fn quote(value: &str) -> String {
    escape_into(value, false)
}

/// Quotes `value` as a SOQL `LIKE` pattern that matches `value` literally:
/// as [`quote`], plus the wildcards `%` and `_` escaped as `\%` and `\_`.
/// Append your own unescaped `%` around the result's content by building
/// the pattern with [`like_contains`] or [`like_prefix`].
pub fn quote_like(value: &str) -> String {
    escape_into(value, true)
}

/// `'%value%'` with `value` matched literally (for `Field LIKE ...`).
pub fn like_contains(value: &str) -> String {
    let inner = quote_like(value);
    format!("'%{}%'", &inner[1..inner.len() - 1])
}

/// `'value%'` with `value` matched literally (for `Field LIKE ...`).
pub fn like_prefix(value: &str) -> String {
    let inner = quote_like(value);
    format!("'{}%'", &inner[1..inner.len() - 1])
}

fn escape_into(value: &str, like: bool) -> String {
    let mut out = String::with_capacity(value.len() + 2);
    out.push('\'');
    for c in value.chars() {
        match c {
            '\'' => out.push_str("\\'"),
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            '%' if like => out.push_str("\\%"),
            '_' if like => out.push_str("\\_"),
            c => out.push(c),
        }
    }
    out.push('\'');
    out
}

/// Whether `name` is a usable SOQL field path: identifiers (letters,
/// digits, `_`, starting with a letter) joined by single dots.
pub fn is_field_path(name: &str) -> bool {
    !name.is_empty()
        && name.split('.').all(|part| {
            let mut chars = part.chars();
            matches!(chars.next(), Some(c) if c.is_ascii_alphabetic())
                && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
        })
}

/// A SELECT statement to build.
#[derive(Clone, Debug, Default)]
pub struct Select<'a> {
    /// Field paths; duplicates (compared case-insensitively) are dropped,
    /// the first spelling wins, order is kept.
    pub fields: Vec<String>,
    /// The sObject (`Account`, `Contact`, ...).
    pub object: &'a str,
    /// The admin's condition (SysConfig `...::Where`), without `WHERE`.
    pub where_clause: Option<&'a str>,
    /// Name of the setting `where_clause` came from, for error messages.
    pub where_setting: &'a str,
    /// `LIMIT n`; `None` = every record.
    pub limit: Option<u64>,
    /// Append `ORDER BY Id` (stable paging and deterministic plans).
    pub order_by_id: bool,
}

/// Builds `SELECT f1, f2 FROM Object [WHERE cond] [ORDER BY Id] [LIMIT n]`.
pub fn build_select(select: &Select<'_>) -> Result<String> {
    if !is_field_path(select.object) || select.object.contains('.') {
        return Err(Error::new(
            ErrorKind::InvalidArgument,
            format!("'{}' is not an sObject name", select.object),
        ));
    }
    let mut seen = std::collections::HashSet::new();
    let mut fields: Vec<&str> = Vec::new();
    for field in &select.fields {
        let field = field.trim();
        if !is_field_path(field) {
            return Err(Error::new(
                ErrorKind::Config,
                format!(
                    "'{field}' is not a Salesforce field path (letters, digits and _, parts joined by dots, e.g. Owner.Title)"
                ),
            ));
        }
        if seen.insert(field.to_ascii_lowercase()) {
            fields.push(field);
        }
    }
    if fields.is_empty() {
        return Err(Error::new(
            ErrorKind::InvalidArgument,
            "SELECT needs at least one field",
        ));
    }
    let mut soql = format!("SELECT {} FROM {}", fields.join(", "), select.object);
    if let Some(cond) = select.where_clause.map(str::trim).filter(|c| !c.is_empty()) {
        check_where(cond, select.where_setting)?;
        soql.push_str(" WHERE ");
        soql.push_str(cond);
    }
    if select.order_by_id {
        soql.push_str(" ORDER BY Id");
    }
    if let Some(limit) = select.limit {
        if limit == 0 {
            return Err(Error::new(
                ErrorKind::Config,
                "Limit 0 selects nothing; leave the Limit setting empty for every record",
            ));
        }
        soql.push_str(&format!(" LIMIT {limit}"));
    }
    Ok(soql)
}

/// Rejects a `Where` setting that would break or silently change the
/// statement the builder makes (see the module documentation).
pub fn check_where(cond: &str, setting: &str) -> Result<()> {
    let setting = if setting.is_empty() { "Where" } else { setting };
    let words = words_outside_literals(cond)
        .map_err(|msg| Error::new(ErrorKind::Config, format!("{setting}: {msg} in '{cond}'")))?;
    if words.iter().any(|w| w == ";") {
        return Err(Error::new(
            ErrorKind::Config,
            format!("{setting} must not contain ';' (SOQL has one statement): '{cond}'"),
        ));
    }
    if words.first().map(String::as_str) == Some("WHERE") {
        return Err(Error::new(
            ErrorKind::Config,
            format!("{setting} holds only the condition: remove the leading WHERE from '{cond}'"),
        ));
    }
    for (i, w) in words.iter().enumerate() {
        let next = words.get(i + 1).map(String::as_str);
        let clause = match (w.as_str(), next) {
            ("LIMIT", _) | ("OFFSET", _) | ("HAVING", _) => Some(w.clone()),
            ("ORDER", Some("BY")) | ("GROUP", Some("BY")) => Some(format!("{w} BY")),
            ("FOR", Some("VIEW" | "REFERENCE" | "UPDATE")) => Some(w.clone()),
            _ => None,
        };
        if let Some(clause) = clause {
            return Err(Error::new(
                ErrorKind::Config,
                format!(
                    "{setting} must hold only a condition, not {clause} (the sync adds ORDER BY Id and the Limit setting itself): '{cond}'"
                ),
            ));
        }
    }
    Ok(())
}

/// The relationship paths a field path goes through: `Owner.Manager.Email`
/// goes through `Owner` and `Owner.Manager`; `Name` through none.
pub fn relation_prefixes(path: &str) -> Vec<String> {
    let parts: Vec<&str> = path.split('.').collect();
    (1..parts.len()).map(|n| parts[..n].join(".")).collect()
}

/// The dotted field paths (`Owner.IsActive`) a condition names outside its
/// string literals.
pub fn dotted_paths(cond: &str) -> Vec<String> {
    let mut paths = Vec::new();
    let mut word = String::new();
    let mut in_literal = false;
    let mut escaped = false;
    for c in cond.chars().chain(std::iter::once(' ')) {
        if in_literal {
            match (escaped, c) {
                (false, '\\') => escaped = true,
                (false, '\'') => in_literal = false,
                _ => escaped = false,
            }
            continue;
        }
        if c.is_alphanumeric() || c == '_' || c == '.' {
            word.push(c);
            continue;
        }
        let starts_alpha = word.chars().next().is_some_and(char::is_alphabetic);
        if starts_alpha && word.contains('.') && !word.ends_with('.') {
            paths.push(std::mem::take(&mut word));
        }
        word.clear();
        in_literal = c == '\'';
    }
    paths
}

/// Upper-cased words and `;` of `cond`, skipping string literals.
fn words_outside_literals(cond: &str) -> std::result::Result<Vec<String>, &'static str> {
    let mut words = Vec::new();
    let mut word = String::new();
    let mut chars = cond.chars();
    while let Some(c) = chars.next() {
        if c == '\'' {
            flush(&mut word, &mut words);
            let mut closed = false;
            while let Some(c) = chars.next() {
                match c {
                    '\\' => {
                        chars.next();
                    }
                    '\'' => {
                        closed = true;
                        break;
                    }
                    _ => {}
                }
            }
            if !closed {
                return Err("unterminated string literal");
            }
        } else if c.is_alphanumeric() || c == '_' {
            word.push(c.to_ascii_uppercase());
        } else {
            flush(&mut word, &mut words);
            if c == ';' {
                words.push(";".to_string());
            }
        }
    }
    flush(&mut word, &mut words);
    Ok(words)
}

fn flush(word: &mut String, words: &mut Vec<String>) {
    if !word.is_empty() {
        words.push(std::mem::take(word));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dotted_paths_and_their_relations() {
        assert_eq!(
            dotted_paths("Owner.IsActive = true AND Name LIKE 'A.B%' AND Amount > 1.5 AND Parent.Owner.Name != 'x\\'.y'"),
            ["Owner.IsActive", "Parent.Owner.Name"]
        );
        assert_eq!(
            relation_prefixes("Owner.Manager.Email"),
            ["Owner", "Owner.Manager"]
        );
        assert!(relation_prefixes("Name").is_empty());
    }

    #[test]
    fn quote_escapes_every_soql_sequence() {
        assert_eq!(quote("O'Brien"), r"'O\'Brien'");
        assert_eq!(quote(r#"a"b\c"#), r#"'a\"b\\c'"#);
        assert_eq!(quote("l1\nl2\r\t\u{8}\u{c}"), r"'l1\nl2\r\t\b\f'");
        assert_eq!(quote("50%_x"), "'50%_x'");
        assert_eq!(quote(""), "''");
        assert_eq!(quote("Müller"), "'Müller'");
    }

    #[test]
    fn quote_like_escapes_wildcards_too() {
        assert_eq!(quote_like("50%_x'"), r"'50\%\_x\''");
        assert_eq!(like_contains("a_b"), r"'%a\_b%'");
        assert_eq!(like_prefix("O'B"), r"'O\'B%'");
    }

    #[test]
    fn quoted_value_cannot_end_the_literal() {
        // Whatever the input, the only unescaped quotes are the outer two.
        for input in ["'", "\\'", "\\", "' OR Name != '", "x\\\\'y"] {
            let q = quote(input);
            let inner = &q[1..q.len() - 1];
            let mut escaped = false;
            for c in inner.chars() {
                if escaped {
                    escaped = false;
                } else if c == '\\' {
                    escaped = true;
                } else {
                    assert_ne!(c, '\'', "unescaped quote in {q}");
                }
            }
            assert!(!escaped, "dangling backslash in {q}");
        }
    }

    fn select<'a>(
        fields: &[&str],
        where_clause: Option<&'a str>,
        limit: Option<u64>,
    ) -> Select<'a> {
        Select {
            fields: fields.iter().map(|s| s.to_string()).collect(),
            object: "Account",
            where_clause,
            where_setting: "SalesForceModule::Companies::Where",
            limit,
            order_by_id: true,
        }
    }

    #[test]
    fn select_dedups_fields_case_insensitively_and_orders_by_id() {
        let soql = build_select(&select(
            &["Id", "Name", "id", "Owner.Name", "owner.name"],
            None,
            None,
        ))
        .unwrap();
        assert_eq!(soql, "SELECT Id, Name, Owner.Name FROM Account ORDER BY Id");
    }

    #[test]
    fn select_appends_where_and_limit_without_group_by() {
        let soql = build_select(&select(
            &["Id", "Owner.Name"],
            Some(" Type = 'Customer' "),
            Some(10),
        ))
        .unwrap();
        assert_eq!(
            soql,
            "SELECT Id, Owner.Name FROM Account WHERE Type = 'Customer' ORDER BY Id LIMIT 10"
        );
        assert!(!soql.contains("GROUP BY"));
    }

    #[test]
    fn select_rejects_bad_where_and_fields() {
        for bad in [
            "Type = 'x'; DELETE",
            "WHERE Type = 'x'",
            "Type = 'x' LIMIT 5",
            "Type = 'x' order  by Name",
            "Type = 'x' GROUP BY Name",
            "Type = 'x' OFFSET 3",
            "Name = 'unterminated",
        ] {
            let err = build_select(&select(&["Id"], Some(bad), None)).unwrap_err();
            assert_eq!(err.kind, ErrorKind::Config, "{bad}");
            assert!(
                err.message.contains("SalesForceModule::Companies::Where"),
                "{}",
                err.message
            );
        }
        // Keywords inside literals are fine.
        assert!(build_select(&select(&["Id"], Some("Name = 'LIMIT; ORDER BY'"), None)).is_ok());
        assert!(build_select(&select(&["Id"], Some("Name LIKE 'It\\'s; x'"), None)).is_ok());
        assert!(build_select(&select(&["Id", "Bad Field"], None, None)).is_err());
        assert!(build_select(&select(&["Id", "Owner..Name"], None, None)).is_err());
        assert!(build_select(&select(&["Id"], None, Some(0))).is_err());
    }
}
