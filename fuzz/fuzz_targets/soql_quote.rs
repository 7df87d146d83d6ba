//! The SOQL quoting functions and the SELECT builder.
//!
//! For any string: `quote` gives exactly one string literal covering the
//! whole output, which a SOQL tokenizer (written here, independently of
//! the library) reads back to the original string; the `LIKE` forms do the
//! same with literal `%`/`_`; a condition built from a quoted value passes
//! `check_where`. Arbitrary conditions and field lists never panic the
//! builder, and what it accepts contains the condition verbatim.
#![no_main]

use libfuzzer_sys::fuzz_target;
use sfclient::soql::{
    build_select, check_where, is_field_path, like_contains, like_prefix, quote, quote_like, Select,
};

/// One token of a SOQL statement as far as string literals matter.
#[derive(Debug)]
enum Tok {
    Other(char),
    /// A string literal: its decoded value and whether each decoded char
    /// was escaped (to tell a literal `%` from a wildcard).
    Literal(Vec<(char, bool)>),
}

/// Splits SOQL into string literals and other characters. Errors on an
/// unterminated literal or an unknown escape sequence.
fn tokenize(soql: &str) -> Result<Vec<Tok>, String> {
    let mut out = Vec::new();
    let mut chars = soql.chars();
    while let Some(c) = chars.next() {
        if c != '\'' {
            out.push(Tok::Other(c));
            continue;
        }
        let mut lit = Vec::new();
        loop {
            match chars.next() {
                None => return Err(format!("unterminated literal in {soql:?}")),
                Some('\'') => break,
                Some('\\') => {
                    let decoded = match chars.next() {
                        Some('\'') => '\'',
                        Some('"') => '"',
                        Some('\\') => '\\',
                        Some('n') => '\n',
                        Some('r') => '\r',
                        Some('t') => '\t',
                        Some('b') => '\u{8}',
                        Some('f') => '\u{c}',
                        Some('%') => '%',
                        Some('_') => '_',
                        other => return Err(format!("bad escape {other:?} in {soql:?}")),
                    };
                    lit.push((decoded, true));
                }
                Some(c) => lit.push((c, false)),
            }
        }
        out.push(Tok::Literal(lit));
    }
    Ok(out)
}

/// The single literal `soql` consists of.
fn only_literal(soql: &str) -> Vec<(char, bool)> {
    let toks = tokenize(soql).expect("quoted output tokenizes");
    match toks.as_slice() {
        [Tok::Literal(l)] => l.clone(),
        other => panic!("expected exactly one literal, got {other:?} from {soql:?}"),
    }
}

fuzz_target!(|data: &[u8]| {
    let Ok(s) = std::str::from_utf8(data) else {
        return;
    };

    // quote: one literal, decodes to s.
    let q = quote(s);
    let lit = only_literal(&q);
    let back: String = lit.iter().map(|(c, _)| c).collect();
    assert_eq!(back, s, "quote does not round-trip");

    // quote_like: one literal, decodes to s, and no unescaped wildcard.
    let ql = quote_like(s);
    let lit = only_literal(&ql);
    assert_eq!(lit.iter().map(|(c, _)| c).collect::<String>(), s);
    assert!(
        !lit.iter().any(|(c, esc)| (*c == '%' || *c == '_') && !esc),
        "unescaped wildcard in {ql:?}"
    );

    // like_contains / like_prefix: one literal, wildcards only where added.
    let lc = only_literal(&like_contains(s));
    assert_eq!(lc.first(), Some(&('%', false)));
    assert_eq!(lc.last(), Some(&('%', false)));
    assert_eq!(
        lc[1..lc.len() - 1]
            .iter()
            .map(|(c, _)| c)
            .collect::<String>(),
        s
    );
    let lp = only_literal(&like_prefix(s));
    assert_eq!(lp.last(), Some(&('%', false)));
    assert_eq!(
        lp[..lp.len() - 1]
            .iter()
            .map(|(c, _)| c)
            .collect::<String>(),
        s
    );

    // A condition made from a quoted value is always accepted.
    let cond = format!("Name = {q} AND Site LIKE {}", like_contains(s));
    let toks = tokenize(&cond).expect("condition tokenizes");
    let outside: String = toks
        .iter()
        .filter_map(|t| match t {
            Tok::Other(c) => Some(*c),
            Tok::Literal(_) => None,
        })
        .collect();
    assert_eq!(
        outside, "Name =  AND Site LIKE ",
        "value escaped its literal"
    );
    assert_eq!(
        toks.iter().filter(|t| matches!(t, Tok::Literal(_))).count(),
        2
    );
    if let Err(e) = check_where(&cond, "Where") {
        panic!("check_where refused a quoted value: {cond:?}: {e}");
    }

    // Arbitrary text as condition and as field list: no panic; what the
    // builder accepts holds the condition verbatim.
    let _ = check_where(s, "Where");
    let fields: Vec<String> = s.split(',').map(str::to_string).collect();
    let select = Select {
        fields: fields.clone(),
        object: "Account",
        where_clause: Some(s),
        where_setting: "Where",
        limit: Some(10),
        order_by_id: true,
    };
    if let Ok(soql) = build_select(&select) {
        assert!(fields.iter().all(|f| is_field_path(f.trim())));
        assert!(soql.starts_with("SELECT "));
        assert!(soql.ends_with(" ORDER BY Id LIMIT 10"));
        if !s.trim().is_empty() {
            assert!(soql.contains(&format!(" WHERE {}", s.trim())));
        }
    }
    let select = Select {
        fields: vec!["Id".into()],
        object: s,
        ..Select::default()
    };
    if let Ok(soql) = build_select(&select) {
        assert_eq!(soql, format!("SELECT Id FROM {s}"));
    }
});
