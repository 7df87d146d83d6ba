//! A SOQL engine for the subset a sync needs: parse, resolve against the
//! schema (with Salesforce's caret-block errors), execute over the store.

use crate::ids;
use crate::schema::{FType, Schema};
use crate::store::{Org, Record, Value};
use crate::timeutil;
use std::cmp::Ordering;
use std::collections::{HashMap, HashSet};
use std::sync::Arc;

/// A query error as Salesforce reports it.
#[derive(Clone, Debug, PartialEq)]
pub struct SoqlError {
    pub code: &'static str,
    /// The message without the `CODE: ` prefix.
    pub message: String,
    pub row: i64,
    pub column: i64,
}

impl SoqlError {
    /// The SOAP fault detail element for this code.
    pub fn fault_type(&self) -> &'static str {
        match self.code {
            "INVALID_FIELD" => "InvalidFieldFault",
            "INVALID_TYPE" => "InvalidSObjectFault",
            "MALFORMED_SEARCH" | "INVALID_SEARCH" => "MalformedSearchFault",
            _ => "MalformedQueryFault",
        }
    }
}

/// Builds the caret block: newline, the query line, caret, position, reason.
fn located(code: &'static str, src: &str, pos: usize, reason: &str) -> SoqlError {
    let mut row = 1;
    let mut col = 1;
    let mut line_start = 0;
    for (i, (bi, c)) in src.char_indices().enumerate() {
        if i == pos {
            break;
        }
        if c == '\n' {
            row += 1;
            col = 1;
            line_start = bi + 1;
        } else {
            col += 1;
        }
    }
    let line = src[line_start..].split('\n').next().unwrap_or("");
    let message = format!(
        "\n{line}\n{}^\nERROR at Row:{row}:Column:{col}\n{reason}",
        " ".repeat(col as usize - 1)
    );
    SoqlError {
        code,
        message,
        row,
        column: col,
    }
}

// ---------------------------------------------------------------- lexer

#[derive(Clone, Debug, PartialEq)]
enum Tok {
    Ident(String),
    /// decoded text, and the pattern form (LIKE) where `\%` `\_` stay escaped
    Str(String, String),
    Num(String),
    Date(String),
    DateTime(String),
    LParen,
    RParen,
    Comma,
    Colon,
    Op(&'static str),
    End,
}

#[derive(Clone, Debug)]
struct Token {
    tok: Tok,
    pos: usize,
    text: String,
}

fn lex(src: &str) -> Result<Vec<Token>, SoqlError> {
    let chars: Vec<char> = src.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let start = i;
        if c.is_whitespace() {
            i += 1;
            continue;
        }
        let tok = match c {
            '(' => {
                i += 1;
                Tok::LParen
            }
            ')' => {
                i += 1;
                Tok::RParen
            }
            ',' => {
                i += 1;
                Tok::Comma
            }
            ':' => {
                i += 1;
                Tok::Colon
            }
            '=' => {
                i += 1;
                Tok::Op("=")
            }
            '!' if chars.get(i + 1) == Some(&'=') => {
                i += 2;
                Tok::Op("!=")
            }
            '<' => match chars.get(i + 1) {
                Some('>') => {
                    i += 2;
                    Tok::Op("!=")
                }
                Some('=') => {
                    i += 2;
                    Tok::Op("<=")
                }
                _ => {
                    i += 1;
                    Tok::Op("<")
                }
            },
            '>' => {
                if chars.get(i + 1) == Some(&'=') {
                    i += 2;
                    Tok::Op(">=")
                } else {
                    i += 1;
                    Tok::Op(">")
                }
            }
            '\'' => {
                i += 1;
                let mut s = String::new();
                let mut pat = String::new();
                loop {
                    match chars.get(i) {
                        None => {
                            return Err(located(
                                "MALFORMED_QUERY",
                                src,
                                start,
                                "line 1:0 no viable alternative at character '''",
                            ))
                        }
                        Some('\'') => {
                            i += 1;
                            break;
                        }
                        Some('\\') => {
                            let e = chars.get(i + 1).copied();
                            let (d, p) = match e {
                                Some('n') => ("\n".to_string(), "\n".to_string()),
                                Some('r') => ("\r".into(), "\r".into()),
                                Some('t') => ("\t".into(), "\t".into()),
                                Some('b') => ("\u{8}".into(), "\u{8}".into()),
                                Some('f') => ("\u{c}".into(), "\u{c}".into()),
                                Some('\'') => ("'".into(), "'".into()),
                                Some('"') => ("\"".into(), "\"".into()),
                                Some('\\') => ("\\".into(), "\\\\".into()),
                                Some('%') => ("%".into(), "\\%".into()),
                                Some('_') => ("_".into(), "\\_".into()),
                                _ => {
                                    return Err(located(
                                        "MALFORMED_QUERY",
                                        src,
                                        i,
                                        "Invalid string literal. Illegal character sequence '\\' followed by an unsupported character",
                                    ))
                                }
                            };
                            s.push_str(&d);
                            pat.push_str(&p);
                            i += 2;
                        }
                        Some(ch) => {
                            s.push(*ch);
                            pat.push(*ch);
                            i += 1;
                        }
                    }
                }
                Tok::Str(s, pat)
            }
            c if c.is_ascii_digit()
                || (c == '-' || c == '+')
                    && chars.get(i + 1).is_some_and(|d| d.is_ascii_digit()) =>
            {
                // date, datetime or number
                let mut j = i + 1;
                while j < chars.len()
                    && (chars[j].is_ascii_alphanumeric()
                        || matches!(chars[j], '.' | ':' | '-' | '+'))
                {
                    j += 1;
                }
                let text: String = chars[i..j].iter().collect();
                i = j;
                if text.len() == 10 && timeutil::parse_date_days(&text).is_some() {
                    Tok::Date(text)
                } else if text.len() > 10 && text.as_bytes().get(10) == Some(&b'T') {
                    match timeutil::parse_datetime(&text) {
                        Some(ms) if text.ends_with('Z') || text.len() > 19 => {
                            Tok::DateTime(timeutil::format_datetime(ms))
                        }
                        _ => {
                            return Err(located(
                                "MALFORMED_QUERY",
                                src,
                                start,
                                &format!(
                                    "line 1:{start} no viable alternative at character '{}'",
                                    text
                                ),
                            ))
                        }
                    }
                } else if text.parse::<f64>().is_ok() {
                    Tok::Num(text)
                } else {
                    return Err(located(
                        "MALFORMED_QUERY",
                        src,
                        start,
                        &format!("unexpected token: {text}"),
                    ));
                }
            }
            c if c.is_alphabetic() || c == '_' => {
                let mut j = i + 1;
                while j < chars.len()
                    && (chars[j].is_alphanumeric() || chars[j] == '_' || chars[j] == '.')
                {
                    j += 1;
                }
                let text: String = chars[i..j].iter().collect();
                i = j;
                Tok::Ident(text)
            }
            other => {
                return Err(located(
                    "MALFORMED_QUERY",
                    src,
                    start,
                    &format!("line 1:{start} no viable alternative at character '{other}'"),
                ))
            }
        };
        let text: String = chars[start..i].iter().collect();
        out.push(Token {
            tok,
            pos: start,
            text,
        });
    }
    out.push(Token {
        tok: Tok::End,
        pos: chars.len(),
        text: "<EOF>".into(),
    });
    Ok(out)
}

// ---------------------------------------------------------------- raw AST

#[derive(Clone, Debug)]
struct RawPath {
    segs: Vec<String>,
    pos: usize,
}

#[derive(Clone, Debug)]
enum RawItem {
    Path(RawPath),
    Agg {
        func: String,
        arg: Option<RawPath>,
        alias: Option<String>,
        pos: usize,
    },
    Sub(Box<RawQuery>, usize),
}

#[derive(Clone, Debug)]
enum Lit {
    Str(String, String),
    Num(String),
    Bool(bool),
    Null,
    Date(String),
    DateTime(String),
    /// TODAY, LAST_N_DAYS:n ... as [start, end) day numbers
    DayRange(i64, i64),
}

#[derive(Clone, Debug)]
enum RawCond {
    And(Vec<RawCond>),
    Or(Vec<RawCond>),
    Not(Box<RawCond>),
    Cmp {
        path: RawPath,
        op: &'static str,
        lit: Lit,
        pos: usize,
    },
    Like {
        path: RawPath,
        pattern: String,
        pos: usize,
    },
    In {
        path: RawPath,
        not: bool,
        lits: Vec<(Lit, usize)>,
    },
    InSub {
        path: RawPath,
        not: bool,
        sub: Box<RawQuery>,
    },
}

#[derive(Clone, Debug)]
struct RawOrder {
    path: RawPath,
    desc: bool,
    nulls_first: Option<bool>,
}

#[derive(Clone, Debug)]
struct RawQuery {
    items: Vec<RawItem>,
    from: String,
    from_pos: usize,
    alias: Option<String>,
    cond: Option<RawCond>,
    group_by: Vec<RawPath>,
    order: Vec<RawOrder>,
    limit: Option<(u64, usize)>,
    offset: Option<(u64, usize)>,
}

const CLAUSE_WORDS: &[&str] = &[
    "WHERE", "GROUP", "ORDER", "LIMIT", "OFFSET", "WITH", "FOR", "HAVING", "USING", "UPDATE",
];
const AGG_FUNCS: &[&str] = &["COUNT", "COUNT_DISTINCT", "MIN", "MAX", "SUM", "AVG"];

struct Parser<'a> {
    src: &'a str,
    toks: Vec<Token>,
    i: usize,
}

impl<'a> Parser<'a> {
    fn peek(&self) -> &Token {
        &self.toks[self.i.min(self.toks.len() - 1)]
    }

    fn peek_at(&self, n: usize) -> &Token {
        &self.toks[(self.i + n).min(self.toks.len() - 1)]
    }

    fn next(&mut self) -> Token {
        let t = self.peek().clone();
        if self.i < self.toks.len() - 1 {
            self.i += 1;
        }
        t
    }

    fn unexpected(&self) -> SoqlError {
        let t = self.peek();
        located(
            "MALFORMED_QUERY",
            self.src,
            t.pos,
            &format!("unexpected token: {}", t.text),
        )
    }

    fn is_kw(&self, kw: &str) -> bool {
        matches!(&self.peek().tok, Tok::Ident(s) if s.eq_ignore_ascii_case(kw))
    }

    fn eat_kw(&mut self, kw: &str) -> bool {
        if self.is_kw(kw) {
            self.i += 1;
            true
        } else {
            false
        }
    }

    fn expect_kw(&mut self, kw: &str) -> Result<(), SoqlError> {
        if self.eat_kw(kw) {
            Ok(())
        } else {
            Err(self.unexpected())
        }
    }

    fn expect(&mut self, tok: Tok) -> Result<(), SoqlError> {
        if self.peek().tok == tok {
            self.next();
            Ok(())
        } else {
            Err(self.unexpected())
        }
    }

    fn path(&mut self) -> Result<RawPath, SoqlError> {
        let t = self.peek().clone();
        match &t.tok {
            Tok::Ident(s) if !s.starts_with('.') && !s.ends_with('.') && !s.contains("..") => {
                self.next();
                Ok(RawPath {
                    segs: s.split('.').map(str::to_string).collect(),
                    pos: t.pos,
                })
            }
            _ => Err(self.unexpected()),
        }
    }

    fn query(&mut self, nested: bool) -> Result<RawQuery, SoqlError> {
        self.expect_kw("SELECT")?;
        let mut items = Vec::new();
        loop {
            let t = self.peek().clone();
            let item = match &t.tok {
                Tok::LParen if !nested => {
                    self.next();
                    let q = self.query(true)?;
                    self.expect(Tok::RParen)?;
                    RawItem::Sub(Box::new(q), t.pos)
                }
                Tok::Ident(name)
                    if AGG_FUNCS.iter().any(|f| f.eq_ignore_ascii_case(name))
                        && self.peek_at(1).tok == Tok::LParen =>
                {
                    self.next();
                    self.next();
                    let arg = if self.peek().tok == Tok::RParen {
                        None
                    } else {
                        Some(self.path()?)
                    };
                    self.expect(Tok::RParen)?;
                    let alias = match &self.peek().tok {
                        Tok::Ident(a) if !a.eq_ignore_ascii_case("FROM") && !a.contains('.') => {
                            let a = a.clone();
                            self.next();
                            Some(a)
                        }
                        _ => None,
                    };
                    RawItem::Agg {
                        func: name.to_ascii_uppercase(),
                        arg,
                        alias,
                        pos: t.pos,
                    }
                }
                Tok::Ident(name) if name.eq_ignore_ascii_case("FROM") => {
                    return Err(self.unexpected())
                }
                Tok::Ident(_) => RawItem::Path(self.path()?),
                _ => return Err(self.unexpected()),
            };
            items.push(item);
            if self.peek().tok == Tok::Comma {
                self.next();
                continue;
            }
            break;
        }
        self.expect_kw("FROM")?;
        let ft = self.next();
        let from = match ft.tok {
            Tok::Ident(s) => s,
            _ => {
                self.i -= 1;
                return Err(self.unexpected());
            }
        };
        let mut alias = None;
        if let Tok::Ident(a) = &self.peek().tok {
            if !CLAUSE_WORDS.iter().any(|w| w.eq_ignore_ascii_case(a)) && !a.contains('.') {
                alias = Some(a.clone());
                self.next();
            }
        }
        let mut q = RawQuery {
            items,
            from,
            from_pos: ft.pos,
            alias,
            cond: None,
            group_by: Vec::new(),
            order: Vec::new(),
            limit: None,
            offset: None,
        };
        if self.eat_kw("USING") {
            self.expect_kw("SCOPE")?;
            self.next();
        }
        if self.eat_kw("WHERE") {
            q.cond = Some(self.cond()?);
        }
        if self.eat_kw("WITH") {
            // WITH SECURITY_ENFORCED / USER_MODE: accepted, no effect
            match &self.peek().tok {
                Tok::Ident(_) => {
                    self.next();
                }
                _ => return Err(self.unexpected()),
            }
        }
        if self.eat_kw("GROUP") {
            self.expect_kw("BY")?;
            loop {
                q.group_by.push(self.path()?);
                if self.peek().tok != Tok::Comma {
                    break;
                }
                self.next();
            }
        }
        if self.eat_kw("ORDER") {
            self.expect_kw("BY")?;
            loop {
                let path = self.path()?;
                let mut desc = false;
                if self.eat_kw("DESC") {
                    desc = true;
                } else {
                    self.eat_kw("ASC");
                }
                let mut nulls_first = None;
                if self.eat_kw("NULLS") {
                    if self.eat_kw("FIRST") {
                        nulls_first = Some(true);
                    } else {
                        self.expect_kw("LAST")?;
                        nulls_first = Some(false);
                    }
                }
                q.order.push(RawOrder {
                    path,
                    desc,
                    nulls_first,
                });
                if self.peek().tok != Tok::Comma {
                    break;
                }
                self.next();
            }
        }
        if self.eat_kw("LIMIT") {
            q.limit = Some(self.int()?);
        }
        if self.eat_kw("OFFSET") {
            q.offset = Some(self.int()?);
        }
        if self.eat_kw("FOR") {
            if self.is_kw("VIEW") || self.is_kw("REFERENCE") || self.is_kw("UPDATE") {
                self.next();
            } else {
                return Err(self.unexpected());
            }
        }
        Ok(q)
    }

    fn int(&mut self) -> Result<(u64, usize), SoqlError> {
        let t = self.peek().clone();
        if let Tok::Num(n) = &t.tok {
            if let Ok(v) = n.parse::<u64>() {
                self.next();
                return Ok((v, t.pos));
            }
        }
        Err(self.unexpected())
    }

    fn cond(&mut self) -> Result<RawCond, SoqlError> {
        let first = self.unary()?;
        if self.is_kw("AND") {
            let mut v = vec![first];
            while self.eat_kw("AND") {
                v.push(self.unary()?);
            }
            if self.is_kw("OR") {
                return Err(self.unexpected());
            }
            return Ok(RawCond::And(v));
        }
        if self.is_kw("OR") {
            let mut v = vec![first];
            while self.eat_kw("OR") {
                v.push(self.unary()?);
            }
            if self.is_kw("AND") {
                return Err(self.unexpected());
            }
            return Ok(RawCond::Or(v));
        }
        Ok(first)
    }

    fn unary(&mut self) -> Result<RawCond, SoqlError> {
        if self.eat_kw("NOT") {
            return Ok(RawCond::Not(Box::new(self.unary()?)));
        }
        if self.peek().tok == Tok::LParen {
            self.next();
            let c = self.cond()?;
            self.expect(Tok::RParen)?;
            return Ok(c);
        }
        let path = self.path()?;
        let t = self.peek().clone();
        match &t.tok {
            Tok::Op(op) => {
                self.next();
                let (lit, pos) = self.literal()?;
                Ok(RawCond::Cmp { path, op, lit, pos })
            }
            Tok::Ident(w) if w.eq_ignore_ascii_case("LIKE") => {
                self.next();
                let (lit, pos) = self.literal()?;
                match lit {
                    Lit::Str(_, pat) => Ok(RawCond::Like {
                        path,
                        pattern: pat,
                        pos,
                    }),
                    _ => Err(located(
                        "MALFORMED_QUERY",
                        self.src,
                        pos,
                        "LIKE operator only valid on string fields",
                    )),
                }
            }
            Tok::Ident(w) if w.eq_ignore_ascii_case("IN") || w.eq_ignore_ascii_case("NOT") => {
                let not = w.eq_ignore_ascii_case("NOT");
                self.next();
                if not {
                    self.expect_kw("IN")?;
                }
                self.expect(Tok::LParen)?;
                if self.is_kw("SELECT") {
                    let sub = self.query(true)?;
                    self.expect(Tok::RParen)?;
                    return Ok(RawCond::InSub {
                        path,
                        not,
                        sub: Box::new(sub),
                    });
                }
                let mut lits = Vec::new();
                loop {
                    lits.push(self.literal()?);
                    if self.peek().tok == Tok::Comma {
                        self.next();
                        continue;
                    }
                    break;
                }
                self.expect(Tok::RParen)?;
                Ok(RawCond::In { path, not, lits })
            }
            _ => Err(self.unexpected()),
        }
    }

    fn literal(&mut self) -> Result<(Lit, usize), SoqlError> {
        let t = self.next();
        let lit = match t.tok {
            Tok::Str(s, p) => Lit::Str(s, p),
            Tok::Num(n) => Lit::Num(n),
            Tok::Date(d) => Lit::Date(d),
            Tok::DateTime(d) => Lit::DateTime(d),
            Tok::Ident(w) => {
                let up = w.to_ascii_uppercase();
                let today = crate::clock::now().div_euclid(86_400_000);
                match up.as_str() {
                    "NULL" => Lit::Null,
                    "TRUE" => Lit::Bool(true),
                    "FALSE" => Lit::Bool(false),
                    "TODAY" => Lit::DayRange(today, today + 1),
                    "YESTERDAY" => Lit::DayRange(today - 1, today),
                    "TOMORROW" => Lit::DayRange(today + 1, today + 2),
                    "LAST_N_DAYS" | "NEXT_N_DAYS" => {
                        self.expect(Tok::Colon)?;
                        let (n, _) = self.int()?;
                        let n = n as i64;
                        if up == "LAST_N_DAYS" {
                            Lit::DayRange(today - n, today + 1)
                        } else {
                            Lit::DayRange(today + 1, today + 1 + n)
                        }
                    }
                    _ => {
                        self.i -= 1;
                        return Err(self.unexpected());
                    }
                }
            }
            _ => {
                self.i -= 1;
                return Err(self.unexpected());
            }
        };
        Ok((lit, t.pos))
    }
}

// ---------------------------------------------------------------- resolved

/// A field path resolved against the schema.
#[derive(Clone, Debug)]
pub struct Path {
    /// reference field index at each hop (on the object of that level)
    pub hops: Vec<usize>,
    /// object index at each level; objs[0] is the root, last is the field's object
    pub objs: Vec<usize>,
    pub field: usize,
    pub ftype: FType,
    /// canonical field name (last segment)
    pub name: String,
}

impl Path {
    /// Value of the path for a record (null when a parent on the way is null).
    pub fn eval(&self, org: &Org, rec: &Record) -> Value {
        let mut cur: &Record = rec;
        for &hop in &self.hops {
            match &cur.values[hop] {
                Value::Str(id) => match org.get(id) {
                    Some(r) if r.deleted_at.is_none() => cur = r,
                    _ => return Value::Null,
                },
                _ => return Value::Null,
            }
        }
        cur.values[self.field].clone()
    }
}

/// One node of the output shape of a record, in SELECT order.
#[derive(Clone, Debug)]
pub enum OutNode {
    Field {
        name: String,
        field: usize,
    },
    Parent {
        rel: String,
        ref_field: usize,
        obj: usize,
        id_selected: bool,
        nodes: Vec<OutNode>,
    },
    Child {
        rel: String,
        slot: usize,
    },
}

/// Output shape shared with the cursor (no condition state).
#[derive(Clone, Debug)]
pub struct OutPlan {
    pub obj: usize,
    pub id_selected: bool,
    pub nodes: Vec<OutNode>,
    /// child subquery shapes, by slot
    pub children: Vec<ChildPlan>,
}

#[derive(Clone, Debug)]
pub struct ChildPlan {
    pub rel: String,
    pub obj: usize,
    pub id_selected: bool,
    pub nodes: Vec<OutNode>,
}

#[derive(Debug)]
enum Cond {
    And(Vec<Cond>),
    Or(Vec<Cond>),
    Not(Box<Cond>),
    Cmp {
        path: Path,
        op: &'static str,
        val: Value,
    },
    Range {
        path: Path,
        op: &'static str,
        start: String,
        end: String,
    },
    Like {
        path: Path,
        pattern: Vec<(char, bool)>,
    },
    In {
        path: Path,
        not: bool,
        set: HashSet<String>,
        nums: Vec<f64>,
        has_null: bool,
    },
    InSub {
        path: Path,
        not: bool,
        sub: Box<Query>,
    },
}

#[derive(Debug)]
struct Order {
    path: OrderKey,
    desc: bool,
    nulls_first: bool,
}

#[derive(Debug)]
enum OrderKey {
    Path(Path),
    /// index into the aggregate output columns
    Column(usize),
}

#[derive(Debug, Clone)]
enum AggCol {
    Group {
        name: String,
        group_idx: usize,
    },
    Agg {
        name: String,
        func: String,
        arg: Option<Path>,
    },
}

#[derive(Debug)]
struct ChildQuery {
    obj: usize,
    parent_field: usize,
    cond: Option<Cond>,
    order: Vec<Order>,
    limit: Option<usize>,
}

/// A compiled query.
#[derive(Debug)]
pub struct Query {
    pub obj: usize,
    pub plan: Arc<OutPlan>,
    cond: Option<Cond>,
    order: Vec<Order>,
    limit: Option<usize>,
    offset: usize,
    children: Vec<ChildQuery>,
    /// aggregate mode: grouped paths and output columns
    group_by: Vec<Path>,
    agg_cols: Vec<AggCol>,
    count_only: bool,
    aggregate: bool,
}

/// One aggregate output row: (column name, value) in SELECT order.
pub type AggRow = Vec<(String, Value)>;

/// The rows a query produced.
pub enum Rows {
    Records(Vec<Arc<Record>>),
    Aggregate(Vec<Vec<(String, Value)>>),
    Count(usize),
}

/// Query result: rows plus, per child subquery slot, children by parent id.
pub struct ResultSet {
    pub plan: Arc<OutPlan>,
    pub rows: Rows,
    pub children: Vec<HashMap<String, Vec<Arc<Record>>>>,
}

impl ResultSet {
    pub fn len(&self) -> usize {
        match &self.rows {
            Rows::Records(r) => r.len(),
            Rows::Aggregate(r) => r.len(),
            Rows::Count(n) => *n,
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

struct Resolver<'a> {
    src: &'a str,
    schema: &'a Schema,
}

fn invalid_field(src: &str, pos: usize, name: &str, obj: &str) -> SoqlError {
    located(
        "INVALID_FIELD",
        src,
        pos,
        &format!(
            "No such column '{name}' on entity '{obj}'. If you are attempting to use a custom field, be sure to append the '__c' after the custom field name. Please reference your WSDL or the describe call for the appropriate names."
        ),
    )
}

impl<'a> Resolver<'a> {
    fn path(&self, root: usize, alias: Option<&str>, p: &RawPath) -> Result<Path, SoqlError> {
        let mut segs: &[String] = &p.segs;
        let root_def = self.schema.def(root);
        if segs.len() > 1
            && (segs[0].eq_ignore_ascii_case(&root_def.name)
                || alias.is_some_and(|a| a.eq_ignore_ascii_case(&segs[0])))
            && root_def.relationship(&segs[0]).is_none()
        {
            segs = &segs[1..];
        }
        let mut obj = root;
        let mut hops = Vec::new();
        let mut objs = vec![root];
        for rel in &segs[..segs.len() - 1] {
            let def = self.schema.def(obj);
            let Some(fi) = def.relationship(rel) else {
                return Err(located(
                    "INVALID_FIELD",
                    self.src,
                    p.pos,
                    &format!(
                        "Didn't understand relationship '{rel}' in field path. If you are attempting to use a custom relationship, be sure to append the '__r' after the custom relationship name. Please reference your WSDL or the describe call for the appropriate names."
                    ),
                ));
            };
            let target = def.fields[fi]
                .reference_to
                .as_deref()
                .and_then(|t| self.schema.object(t));
            let Some(target) = target else {
                return Err(invalid_field(self.src, p.pos, rel, &def.name));
            };
            hops.push(fi);
            obj = target;
            objs.push(obj);
        }
        let last = &segs[segs.len() - 1];
        let def = self.schema.def(obj);
        let Some(field) = def.field(last) else {
            // a bare relationship name (SELECT Owner FROM Account) is also INVALID_FIELD
            let full = p.segs.join(".");
            return Err(invalid_field(
                self.src,
                p.pos,
                if segs.len() == 1 { &full } else { last },
                &def.name,
            ));
        };
        Ok(Path {
            hops,
            objs,
            field,
            ftype: def.fields[field].ftype,
            name: def.fields[field].name.clone(),
        })
    }

    /// Compound fields cannot be filtered.
    fn filterable(&self, p: Path, pos: usize) -> Result<Path, SoqlError> {
        if p.ftype == FType::Address {
            return Err(located(
                "INVALID_FIELD",
                self.src,
                pos,
                &format!("field '{}' can not be filtered in query call", p.name),
            ));
        }
        Ok(p)
    }

    fn object(&self, name: &str, pos: usize) -> Result<usize, SoqlError> {
        self.schema.object(name).ok_or_else(|| {
            located(
                "INVALID_TYPE",
                self.src,
                pos,
                &format!(
                    "sObject type '{name}' is not supported. If you are attempting to use a custom object, be sure to append the '__c' after the entity name. Please reference your WSDL or the describe call for the appropriate names."
                ),
            )
        })
    }

    fn type_error(&self, path: &Path, pos: usize) -> SoqlError {
        let (ty, quoted) = match path.ftype {
            FType::Bool => ("boolean", false),
            FType::Int => ("int", false),
            FType::Double | FType::Currency => ("double", false),
            FType::Date => ("date", false),
            FType::DateTime => ("dateTime", false),
            FType::Id | FType::Reference => ("id", true),
            _ => ("string", true),
        };
        located(
            "INVALID_FIELD",
            self.src,
            pos,
            &format!(
                "value of filter criterion for field '{}' must be of type {ty} and should {}be enclosed in quotes",
                path.name,
                if quoted { "" } else { "not " }
            ),
        )
    }

    /// Converts a literal to a stored value of the path's type.
    fn value(&self, path: &Path, lit: &Lit, pos: usize) -> Result<Value, SoqlError> {
        if let Lit::Null = lit {
            return Ok(Value::Null);
        }
        let v = match (path.ftype, lit) {
            (t, Lit::Str(s, _)) if t.is_text() => Value::Str(s.clone()),
            (FType::Id | FType::Reference, Lit::Str(s, _)) => match ids::to18(s) {
                Some(id) => Value::Str(id),
                None => {
                    return Err(located(
                        "INVALID_QUERY_FILTER_OPERATOR",
                        self.src,
                        pos,
                        &format!("invalid ID field: {s}"),
                    ))
                }
            },
            (FType::Bool, Lit::Bool(b)) => Value::Bool(*b),
            (FType::Int, Lit::Num(n)) => match n.parse::<i64>() {
                Ok(i) => Value::Int(i),
                Err(_) => Value::Double(n.parse().unwrap_or(0.0)),
            },
            (FType::Double | FType::Currency, Lit::Num(n)) => {
                Value::Double(n.parse().unwrap_or(0.0))
            }
            (FType::Date, Lit::Date(d)) => Value::Str(d.clone()),
            (FType::DateTime, Lit::DateTime(d)) => Value::Str(d.clone()),
            _ => return Err(self.type_error(path, pos)),
        };
        Ok(v)
    }

    fn cond(&self, root: usize, alias: Option<&str>, c: &RawCond) -> Result<Cond, SoqlError> {
        Ok(match c {
            RawCond::And(v) => Cond::And(
                v.iter()
                    .map(|c| self.cond(root, alias, c))
                    .collect::<Result<_, _>>()?,
            ),
            RawCond::Or(v) => Cond::Or(
                v.iter()
                    .map(|c| self.cond(root, alias, c))
                    .collect::<Result<_, _>>()?,
            ),
            RawCond::Not(c) => Cond::Not(Box::new(self.cond(root, alias, c)?)),
            RawCond::Cmp { path, op, lit, pos } => {
                let p = self.filterable(self.path(root, alias, path)?, path.pos)?;
                if let Lit::DayRange(a, b) = lit {
                    let (start, end) = match p.ftype {
                        FType::Date => (
                            timeutil::format_date(a * 86_400_000),
                            timeutil::format_date(b * 86_400_000),
                        ),
                        FType::DateTime => (
                            timeutil::format_datetime(a * 86_400_000),
                            timeutil::format_datetime(b * 86_400_000),
                        ),
                        _ => return Err(self.type_error(&p, *pos)),
                    };
                    return Ok(Cond::Range {
                        path: p,
                        op,
                        start,
                        end,
                    });
                }
                let val = self.value(&p, lit, *pos)?;
                if matches!(p.ftype, FType::Bool) && !matches!(*op, "=" | "!=") {
                    return Err(located(
                        "INVALID_QUERY_FILTER_OPERATOR",
                        self.src,
                        *pos,
                        &format!("invalid operator on boolean field: {}", p.name),
                    ));
                }
                Cond::Cmp { path: p, op, val }
            }
            RawCond::Like { path, pattern, pos } => {
                let p = self.filterable(self.path(root, alias, path)?, path.pos)?;
                if !(p.ftype.is_text() || matches!(p.ftype, FType::Id | FType::Reference)) {
                    return Err(located(
                        "INVALID_QUERY_FILTER_OPERATOR",
                        self.src,
                        *pos,
                        &format!("invalid operator on field: {}", p.name),
                    ));
                }
                let mut pat = Vec::new();
                let mut it = pattern.chars();
                while let Some(ch) = it.next() {
                    if ch == '\\' {
                        if let Some(n) = it.next() {
                            pat.push((n.to_lowercase().next().unwrap_or(n), true));
                        }
                    } else {
                        pat.push((ch.to_lowercase().next().unwrap_or(ch), false));
                    }
                }
                Cond::Like {
                    path: p,
                    pattern: pat,
                }
            }
            RawCond::In { path, not, lits } => {
                let p = self.filterable(self.path(root, alias, path)?, path.pos)?;
                let mut set = HashSet::new();
                let mut nums = Vec::new();
                let mut has_null = false;
                for (lit, pos) in lits {
                    match self.value(&p, lit, *pos)? {
                        Value::Null => has_null = true,
                        Value::Str(s) => {
                            set.insert(if p.ftype.is_text() {
                                s.to_lowercase()
                            } else {
                                s
                            });
                        }
                        Value::Int(i) => nums.push(i as f64),
                        Value::Double(d) => nums.push(d),
                        Value::Bool(b) => {
                            set.insert(b.to_string());
                        }
                    }
                }
                Cond::In {
                    path: p,
                    not: *not,
                    set,
                    nums,
                    has_null,
                }
            }
            RawCond::InSub { path, not, sub } => {
                let p = self.path(root, alias, path)?;
                let q = self.query(sub, None)?;
                if q.aggregate || q.plan.nodes.len() != 1 || !q.plan.children.is_empty() {
                    return Err(located(
                        "MALFORMED_QUERY",
                        self.src,
                        path.pos,
                        "semi join sub-selects can only select a single id field",
                    ));
                }
                Cond::InSub {
                    path: p,
                    not: *not,
                    sub: Box::new(q),
                }
            }
        })
    }

    fn query(&self, raw: &RawQuery, _parent: Option<usize>) -> Result<Query, SoqlError> {
        let obj = self.object(&raw.from, raw.from_pos)?;
        let alias = raw.alias.as_deref();
        let mut nodes: Vec<OutNode> = Vec::new();
        let mut id_selected = false;
        let mut children = Vec::new();
        let mut child_plans = Vec::new();
        let mut agg_cols = Vec::new();
        let mut count_only = false;
        let mut seen = HashSet::new();
        let mut expr_n = 0;
        let group_by: Vec<Path> = raw
            .group_by
            .iter()
            .map(|g| self.path(obj, alias, g))
            .collect::<Result<_, _>>()?;
        let has_agg = raw.items.iter().any(|i| matches!(i, RawItem::Agg { .. }));
        let aggregate = has_agg || !group_by.is_empty();
        for item in &raw.items {
            match item {
                RawItem::Path(rp) => {
                    let p = self.path(obj, alias, rp)?;
                    let key = (p.hops.clone(), p.field);
                    if !seen.insert(key) {
                        return Err(located(
                            "MALFORMED_QUERY",
                            self.src,
                            rp.pos,
                            &format!("duplicate field selected: {}", rp.segs.join(".")),
                        ));
                    }
                    if aggregate {
                        let gi = group_by
                            .iter()
                            .position(|g| g.hops == p.hops && g.field == p.field);
                        match gi {
                            Some(gi) => agg_cols.push(AggCol::Group {
                                name: p.name.clone(),
                                group_idx: gi,
                            }),
                            None => {
                                return Err(located(
                                    "MALFORMED_QUERY",
                                    self.src,
                                    rp.pos,
                                    &format!("Field must be grouped or aggregated: {}", p.name),
                                ))
                            }
                        }
                        continue;
                    }
                    if p.hops.is_empty() && p.field == 0 {
                        id_selected = true;
                    }
                    insert_node(self.schema, &mut nodes, &p, 0);
                }
                RawItem::Agg {
                    func,
                    arg,
                    alias: a,
                    pos,
                } => {
                    if func == "COUNT" && arg.is_none() {
                        if raw.items.len() != 1 || !group_by.is_empty() {
                            return Err(located(
                                "MALFORMED_QUERY",
                                self.src,
                                *pos,
                                "COUNT() may only be used by itself in the select list",
                            ));
                        }
                        count_only = true;
                        continue;
                    }
                    let Some(arg) = arg else {
                        return Err(located(
                            "MALFORMED_QUERY",
                            self.src,
                            *pos,
                            &format!("unexpected token: {func}"),
                        ));
                    };
                    let p = self.path(obj, alias, arg)?;
                    if matches!(func.as_str(), "SUM" | "AVG") && !p.ftype.is_numeric() {
                        return Err(located(
                            "MALFORMED_QUERY",
                            self.src,
                            arg.pos,
                            &format!(
                                "field {} does not support aggregate operator {func}",
                                p.name
                            ),
                        ));
                    }
                    let name = match a {
                        Some(a) => a.clone(),
                        None => {
                            let n = format!("expr{expr_n}");
                            expr_n += 1;
                            n
                        }
                    };
                    agg_cols.push(AggCol::Agg {
                        name,
                        func: func.clone(),
                        arg: Some(p),
                    });
                }
                RawItem::Sub(sub, pos) => {
                    if aggregate {
                        return Err(located(
                            "MALFORMED_QUERY",
                            self.src,
                            *pos,
                            "Aggregate queries do not support subqueries",
                        ));
                    }
                    let def = self.schema.def(obj);
                    let Some(rel) = def.child(&sub.from) else {
                        return Err(located(
                            "INVALID_TYPE",
                            self.src,
                            sub.from_pos,
                            &format!(
                                "Didn't understand relationship '{}' in FROM part of query call. If you are attempting to use a custom relationship, be sure to append the '__r' after the custom relationship name. Please reference your WSDL or the describe call for the appropriate names.",
                                sub.from
                            ),
                        ));
                    };
                    let cobj = self.schema.object(&rel.child).unwrap_or(obj);
                    let cdef = self.schema.def(cobj);
                    let parent_field = cdef.field(&rel.field).unwrap_or(0);
                    let mut child_raw = (**sub).clone();
                    child_raw.from = cdef.name.clone();
                    let cq = self.query(&child_raw, Some(obj))?;
                    if cq.aggregate {
                        return Err(located(
                            "MALFORMED_QUERY",
                            self.src,
                            *pos,
                            "Aggregate functions are not supported in subqueries",
                        ));
                    }
                    let slot = children.len();
                    child_plans.push(ChildPlan {
                        rel: rel.name.clone(),
                        obj: cobj,
                        id_selected: cq.plan.id_selected,
                        nodes: cq.plan.nodes.clone(),
                    });
                    children.push(ChildQuery {
                        obj: cobj,
                        parent_field,
                        cond: cq.cond,
                        order: cq.order,
                        limit: cq.limit,
                    });
                    nodes.push(OutNode::Child {
                        rel: rel.name.clone(),
                        slot,
                    });
                }
            }
        }
        let cond = raw
            .cond
            .as_ref()
            .map(|c| self.cond(obj, alias, c))
            .transpose()?;
        let mut order = Vec::new();
        for o in &raw.order {
            let key = if aggregate {
                // by a grouped field or an aggregate alias
                let by_alias = agg_cols.iter().position(|c| match c {
                    AggCol::Agg { name, .. } => {
                        o.path.segs.len() == 1 && name.eq_ignore_ascii_case(&o.path.segs[0])
                    }
                    _ => false,
                });
                match by_alias {
                    Some(i) => OrderKey::Column(i),
                    None => {
                        let p = self.path(obj, alias, &o.path)?;
                        match group_by
                            .iter()
                            .position(|g| g.hops == p.hops && g.field == p.field)
                        {
                            Some(_) => OrderKey::Path(p),
                            None => {
                                return Err(located(
                                    "MALFORMED_QUERY",
                                    self.src,
                                    o.path.pos,
                                    &format!(
                                        "Ordered field must be grouped or aggregated: {}",
                                        p.name
                                    ),
                                ))
                            }
                        }
                    }
                }
            } else {
                let p = self.path(obj, alias, &o.path)?;
                if p.ftype == FType::Address {
                    return Err(located(
                        "INVALID_FIELD",
                        self.src,
                        o.path.pos,
                        &format!("field '{}' can not be sorted in a query call", p.name),
                    ));
                }
                OrderKey::Path(p)
            };
            order.push(Order {
                path: key,
                desc: o.desc,
                nulls_first: o.nulls_first.unwrap_or(!o.desc),
            });
        }
        if let Some((off, pos)) = raw.offset {
            if off > 2000 {
                return Err(located(
                    "NUMBER_OUTSIDE_VALID_RANGE",
                    self.src,
                    pos,
                    "Maximum SOQL offset allowed is 2000",
                ));
            }
        }
        let plan = Arc::new(OutPlan {
            obj,
            id_selected,
            nodes,
            children: child_plans,
        });
        Ok(Query {
            obj,
            plan,
            cond,
            order,
            limit: raw.limit.map(|l| l.0 as usize),
            offset: raw.offset.map(|o| o.0 as usize).unwrap_or(0),
            children,
            group_by,
            agg_cols,
            count_only,
            aggregate: aggregate && !count_only,
        })
    }
}

/// Places a resolved path into the output tree, creating nested parent nodes
/// at the position of their first use.
fn insert_node(schema: &Schema, nodes: &mut Vec<OutNode>, p: &Path, level: usize) {
    if level == p.hops.len() {
        nodes.push(OutNode::Field {
            name: p.name.clone(),
            field: p.field,
        });
        return;
    }
    let def = schema.def(p.objs[level]);
    let ref_field = p.hops[level];
    let rel = def.fields[ref_field]
        .relationship_name
        .clone()
        .unwrap_or_default();
    let pos = nodes
        .iter()
        .position(|n| matches!(n, OutNode::Parent { ref_field: r, .. } if *r == ref_field));
    let idx = match pos {
        Some(i) => i,
        None => {
            nodes.push(OutNode::Parent {
                rel,
                ref_field,
                obj: p.objs[level + 1],
                id_selected: false,
                nodes: Vec::new(),
            });
            nodes.len() - 1
        }
    };
    if let OutNode::Parent {
        nodes: inner,
        id_selected,
        ..
    } = &mut nodes[idx]
    {
        if level + 1 == p.hops.len() && p.field == 0 {
            *id_selected = true;
        }
        insert_node(schema, inner, p, level + 1);
    }
}

/// Parses and resolves a SOQL statement.
pub fn compile(schema: &Schema, src: &str) -> Result<Query, SoqlError> {
    let toks = lex(src)?;
    let mut p = Parser { src, toks, i: 0 };
    let raw = p.query(false)?;
    if p.peek().tok != Tok::End {
        return Err(p.unexpected());
    }
    Resolver { src, schema }.query(&raw, None)
}

// ---------------------------------------------------------------- evaluation

fn text_cmp(a: &str, b: &str) -> Ordering {
    // case-insensitive without allocating for ASCII
    let mut ai = a.chars().flat_map(char::to_lowercase);
    let mut bi = b.chars().flat_map(char::to_lowercase);
    loop {
        match (ai.next(), bi.next()) {
            (None, None) => return Ordering::Equal,
            (None, Some(_)) => return Ordering::Less,
            (Some(_), None) => return Ordering::Greater,
            (Some(x), Some(y)) => match x.cmp(&y) {
                Ordering::Equal => continue,
                o => return o,
            },
        }
    }
}

/// Compares two non-null values of the same field type.
fn cmp_values(a: &Value, b: &Value, ftype: FType) -> Option<Ordering> {
    match (a, b) {
        (Value::Str(x), Value::Str(y)) => Some(if ftype.is_text() {
            text_cmp(x, y)
        } else {
            x.cmp(y)
        }),
        (Value::Bool(x), Value::Bool(y)) => Some(x.cmp(y)),
        (Value::Int(x), Value::Int(y)) => Some(x.cmp(y)),
        (Value::Int(x), Value::Double(y)) => (*x as f64).partial_cmp(y),
        (Value::Double(x), Value::Int(y)) => x.partial_cmp(&(*y as f64)),
        (Value::Double(x), Value::Double(y)) => x.partial_cmp(y),
        _ => None,
    }
}

fn like(text: &str, pat: &[(char, bool)]) -> bool {
    let t: Vec<char> = text.chars().flat_map(char::to_lowercase).collect();
    // iterative wildcard match with backtracking on the last %
    let (mut ti, mut pi) = (0usize, 0usize);
    let (mut star, mut mark) = (None::<usize>, 0usize);
    while ti < t.len() {
        if pi < pat.len() && !pat[pi].1 && pat[pi].0 == '%' {
            star = Some(pi);
            mark = ti;
            pi += 1;
        } else if pi < pat.len() && ((!pat[pi].1 && pat[pi].0 == '_') || pat[pi].0 == t[ti]) {
            ti += 1;
            pi += 1;
        } else if let Some(s) = star {
            pi = s + 1;
            mark += 1;
            ti = mark;
        } else {
            return false;
        }
    }
    while pi < pat.len() && !pat[pi].1 && pat[pi].0 == '%' {
        pi += 1;
    }
    pi == pat.len()
}

struct Ctx<'a> {
    org: &'a Org,
    all_rows: bool,
    semi: HashMap<usize, HashSet<String>>,
}

impl<'a> Ctx<'a> {
    fn eval(&self, c: &Cond, rec: &Record) -> bool {
        match c {
            Cond::And(v) => v.iter().all(|c| self.eval(c, rec)),
            Cond::Or(v) => v.iter().any(|c| self.eval(c, rec)),
            Cond::Not(c) => !self.eval(c, rec),
            Cond::Cmp { path, op, val } => {
                let v = path.eval(self.org, rec);
                match (v.is_null(), val.is_null()) {
                    (true, true) => matches!(*op, "=" | "<=" | ">="),
                    (true, false) | (false, true) => *op == "!=",
                    (false, false) => match cmp_values(&v, val, path.ftype) {
                        Some(o) => match *op {
                            "=" => o == Ordering::Equal,
                            "!=" => o != Ordering::Equal,
                            "<" => o == Ordering::Less,
                            ">" => o == Ordering::Greater,
                            "<=" => o != Ordering::Greater,
                            ">=" => o != Ordering::Less,
                            _ => false,
                        },
                        None => *op == "!=",
                    },
                }
            }
            Cond::Range {
                path,
                op,
                start,
                end,
            } => {
                let v = path.eval(self.org, rec);
                let Some(s) = v.as_str() else {
                    return *op == "!=";
                };
                let s = s.to_string();
                let s = s.as_str();
                match *op {
                    "=" => s >= start.as_str() && s < end.as_str(),
                    "!=" => !(s >= start.as_str() && s < end.as_str()),
                    "<" => s < start.as_str(),
                    "<=" => s < end.as_str(),
                    ">" => s >= end.as_str(),
                    ">=" => s >= start.as_str(),
                    _ => false,
                }
            }
            Cond::Like { path, pattern } => match path.eval(self.org, rec) {
                Value::Str(s) => like(&s, pattern),
                _ => false,
            },
            Cond::In {
                path,
                not,
                set,
                nums,
                has_null,
            } => {
                let v = path.eval(self.org, rec);
                let hit = match &v {
                    Value::Null => *has_null,
                    Value::Str(s) => {
                        if path.ftype.is_text() {
                            set.contains(&s.to_lowercase())
                        } else {
                            set.contains(s)
                        }
                    }
                    Value::Bool(b) => set.contains(&b.to_string()),
                    Value::Int(i) => nums.contains(&(*i as f64)),
                    Value::Double(d) => nums.contains(d),
                };
                if *not {
                    !hit && !v.is_null()
                } else {
                    hit
                }
            }
            Cond::InSub { path, not, .. } => {
                let key = c as *const Cond as usize;
                let set = self.semi.get(&key);
                let v = path.eval(self.org, rec);
                let hit = match (&v, set) {
                    (Value::Str(s), Some(set)) => set.contains(s),
                    _ => false,
                };
                if *not {
                    !hit && !v.is_null()
                } else {
                    hit
                }
            }
        }
    }

    fn prepare_semi(&mut self, c: &Cond) {
        match c {
            Cond::And(v) | Cond::Or(v) => v.iter().for_each(|c| self.prepare_semi(c)),
            Cond::Not(c) => self.prepare_semi(c),
            Cond::InSub { sub, .. } => {
                let mut inner = Ctx {
                    org: self.org,
                    all_rows: false,
                    semi: HashMap::new(),
                };
                let rows = inner.filter_rows(sub);
                let path = match sub.plan.nodes.first() {
                    Some(OutNode::Field { field, .. }) => Some(*field),
                    _ => None,
                };
                let mut set = HashSet::new();
                if let Some(f) = path {
                    for r in rows {
                        if let Value::Str(s) = &r.values[f] {
                            set.insert(s.clone());
                        }
                    }
                }
                self.semi.insert(c as *const Cond as usize, set);
            }
            _ => {}
        }
    }

    fn filter_rows(&mut self, q: &Query) -> Vec<Arc<Record>> {
        if let Some(c) = &q.cond {
            self.prepare_semi(c);
        }
        let all = self.all_rows;
        let mut rows: Vec<Arc<Record>> = self.org.tables[q.obj]
            .values()
            .filter(|r| all || r.deleted_at.is_none())
            .filter(|r| q.cond.as_ref().is_none_or(|c| self.eval(c, r)))
            .cloned()
            .collect();
        sort_records(self.org, &mut rows, &q.order);
        rows
    }
}

#[derive(PartialEq, PartialOrd)]
enum SortKey {
    Null,
    Num(f64),
    Text(String),
}

fn sort_key(v: &Value, ftype: FType) -> SortKey {
    match v {
        Value::Null => SortKey::Null,
        Value::Str(s) => SortKey::Text(if ftype.is_text() {
            s.to_lowercase()
        } else {
            s.clone()
        }),
        Value::Bool(b) => SortKey::Num(if *b { 1.0 } else { 0.0 }),
        Value::Int(i) => SortKey::Num(*i as f64),
        Value::Double(d) => SortKey::Num(*d),
    }
}

fn cmp_keys(a: &[SortKey], b: &[SortKey], order: &[Order]) -> Ordering {
    for (i, o) in order.iter().enumerate() {
        let ord = match (&a[i], &b[i]) {
            (SortKey::Null, SortKey::Null) => Ordering::Equal,
            (SortKey::Null, _) => {
                if o.nulls_first {
                    Ordering::Less
                } else {
                    Ordering::Greater
                }
            }
            (_, SortKey::Null) => {
                if o.nulls_first {
                    Ordering::Greater
                } else {
                    Ordering::Less
                }
            }
            (x, y) => {
                let c = x.partial_cmp(y).unwrap_or(Ordering::Equal);
                if o.desc {
                    c.reverse()
                } else {
                    c
                }
            }
        };
        if ord != Ordering::Equal {
            return ord;
        }
    }
    Ordering::Equal
}

fn sort_records(org: &Org, rows: &mut Vec<Arc<Record>>, order: &[Order]) {
    if order.is_empty() || rows.len() < 2 {
        return;
    }
    let mut keyed: Vec<(Vec<SortKey>, Arc<Record>)> = rows
        .drain(..)
        .map(|r| {
            let keys = order
                .iter()
                .map(|o| match &o.path {
                    OrderKey::Path(p) => sort_key(&p.eval(org, &r), p.ftype),
                    OrderKey::Column(_) => SortKey::Null,
                })
                .collect();
            (keys, r)
        })
        .collect();
    keyed.sort_by(|a, b| cmp_keys(&a.0, &b.0, order));
    rows.extend(keyed.into_iter().map(|(_, r)| r));
}

/// Runs a compiled query. `all_rows` is queryAll (includes deleted rows).
pub fn execute(org: &Org, q: &Query, all_rows: bool) -> ResultSet {
    let mut ctx = Ctx {
        org,
        all_rows,
        semi: HashMap::new(),
    };
    let mut rows = ctx.filter_rows(q);
    if q.count_only {
        let mut n = rows.len().saturating_sub(q.offset);
        if let Some(l) = q.limit {
            n = n.min(l);
        }
        return ResultSet {
            plan: Arc::clone(&q.plan),
            rows: Rows::Count(n),
            children: Vec::new(),
        };
    }
    if q.aggregate {
        let agg = aggregate(org, q, &rows);
        return ResultSet {
            plan: Arc::clone(&q.plan),
            rows: Rows::Aggregate(agg),
            children: Vec::new(),
        };
    }
    if q.offset > 0 {
        rows.drain(..q.offset.min(rows.len()));
    }
    if let Some(l) = q.limit {
        rows.truncate(l);
    }
    let mut children = Vec::new();
    for cq in &q.children {
        let mut map: HashMap<String, Vec<Arc<Record>>> = HashMap::new();
        let mut cctx = Ctx {
            org,
            all_rows,
            semi: HashMap::new(),
        };
        if let Some(c) = &cq.cond {
            cctx.prepare_semi(c);
        }
        for r in org.tables[cq.obj].values() {
            if !all_rows && r.deleted_at.is_some() {
                continue;
            }
            let Value::Str(pid) = &r.values[cq.parent_field] else {
                continue;
            };
            if let Some(c) = &cq.cond {
                if !cctx.eval(c, r) {
                    continue;
                }
            }
            map.entry(pid.clone()).or_default().push(Arc::clone(r));
        }
        for list in map.values_mut() {
            sort_records(org, list, &cq.order);
            if let Some(l) = cq.limit {
                list.truncate(l);
            }
        }
        children.push(map);
    }
    ResultSet {
        plan: Arc::clone(&q.plan),
        rows: Rows::Records(rows),
        children,
    }
}

fn aggregate(org: &Org, q: &Query, rows: &[Arc<Record>]) -> Vec<Vec<(String, Value)>> {
    // group key text -> (group values, member rows)
    let mut order_of_groups: Vec<Vec<Value>> = Vec::new();
    let mut groups: HashMap<String, (usize, Vec<&Arc<Record>>)> = HashMap::new();
    for r in rows {
        let vals: Vec<Value> = q.group_by.iter().map(|g| g.eval(org, r)).collect();
        let key = vals
            .iter()
            .zip(&q.group_by)
            .map(|(v, g)| match v {
                Value::Str(s) if g.ftype.is_text() => format!("s{}", s.to_lowercase()),
                other => format!("{other:?}"),
            })
            .collect::<Vec<_>>()
            .join("\u{1}");
        let n = order_of_groups.len();
        let e = groups.entry(key).or_insert_with(|| (n, Vec::new()));
        if e.0 == n {
            order_of_groups.push(vals);
        }
        e.1.push(r);
    }
    if q.group_by.is_empty() && groups.is_empty() {
        // aggregate over no rows still yields one row
        groups.insert(String::new(), (0, Vec::new()));
        order_of_groups.push(Vec::new());
    }
    let mut members: Vec<Vec<&Arc<Record>>> = vec![Vec::new(); order_of_groups.len()];
    for (_, (i, m)) in groups {
        members[i] = m;
    }
    let mut out: Vec<Vec<(String, Value)>> = Vec::new();
    for (gi, gvals) in order_of_groups.iter().enumerate() {
        let mut row = Vec::new();
        for col in &q.agg_cols {
            match col {
                AggCol::Group { name, group_idx } => {
                    row.push((name.clone(), gvals[*group_idx].clone()))
                }
                AggCol::Agg { name, func, arg } => {
                    let vals: Vec<Value> = match arg {
                        Some(p) => members[gi]
                            .iter()
                            .map(|r| p.eval(org, r))
                            .filter(|v| !v.is_null())
                            .collect(),
                        None => Vec::new(),
                    };
                    let ftype = arg.as_ref().map(|p| p.ftype).unwrap_or(FType::Str);
                    let v = match func.as_str() {
                        "COUNT" => Value::Int(vals.len() as i64),
                        "COUNT_DISTINCT" => {
                            let set: HashSet<String> = vals
                                .iter()
                                .map(|v| format!("{v:?}").to_lowercase())
                                .collect();
                            Value::Int(set.len() as i64)
                        }
                        "MIN" | "MAX" => {
                            let mut best: Option<&Value> = None;
                            for v in &vals {
                                best = match best {
                                    None => Some(v),
                                    Some(b) => {
                                        let o = cmp_values(v, b, ftype).unwrap_or(Ordering::Equal);
                                        if (func == "MIN" && o == Ordering::Less)
                                            || (func == "MAX" && o == Ordering::Greater)
                                        {
                                            Some(v)
                                        } else {
                                            Some(b)
                                        }
                                    }
                                };
                            }
                            best.cloned().unwrap_or(Value::Null)
                        }
                        "SUM" | "AVG" => {
                            let nums: Vec<f64> = vals
                                .iter()
                                .filter_map(|v| match v {
                                    Value::Int(i) => Some(*i as f64),
                                    Value::Double(d) => Some(*d),
                                    _ => None,
                                })
                                .collect();
                            if nums.is_empty() {
                                Value::Null
                            } else if func == "SUM" {
                                Value::Double(nums.iter().sum())
                            } else {
                                Value::Double(nums.iter().sum::<f64>() / nums.len() as f64)
                            }
                        }
                        _ => Value::Null,
                    };
                    row.push((name.clone(), v));
                }
            }
        }
        out.push(row);
    }
    if !q.order.is_empty() {
        let mut keyed: Vec<(Vec<SortKey>, AggRow)> = out
            .into_iter()
            .enumerate()
            .map(|(gi, row)| {
                let keys = q
                    .order
                    .iter()
                    .map(|o| match &o.path {
                        OrderKey::Column(c) => sort_key(&row[*c].1, FType::Double),
                        OrderKey::Path(p) => {
                            let g = q
                                .group_by
                                .iter()
                                .position(|g| g.hops == p.hops && g.field == p.field);
                            match g {
                                Some(g) => sort_key(&order_of_groups[gi][g], p.ftype),
                                None => SortKey::Null,
                            }
                        }
                    })
                    .collect();
                (keys, row)
            })
            .collect();
        keyed.sort_by(|a, b| cmp_keys(&a.0, &b.0, &q.order));
        out = keyed.into_iter().map(|(_, r)| r).collect();
    }
    if q.offset > 0 {
        out.drain(..q.offset.min(out.len()));
    }
    if let Some(l) = q.limit {
        out.truncate(l);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn like_patterns() {
        let p = |s: &str| s.chars().map(|c| (c, false)).collect::<Vec<_>>();
        assert!(like("Acme Corp", &p("acme%")));
        assert!(like("Acme Corp", &p("%corp")));
        assert!(like("Acme", &p("a_me")));
        assert!(!like("Acme", &p("a_e")));
        assert!(like("50%", &[('5', false), ('0', false), ('%', true)]));
        assert!(!like("500", &[('5', false), ('0', false), ('%', true)]));
    }

    #[test]
    fn caret_block() {
        let e = located(
            "INVALID_FIELD",
            "select adfId, Name from Contact",
            7,
            "No such column",
        );
        assert_eq!(
            e.message,
            "\nselect adfId, Name from Contact\n       ^\nERROR at Row:1:Column:8\nNo such column"
        );
        assert_eq!((e.row, e.column), (1, 8));
    }
}
