//! The call methods of doc/dev/ARCHITECTURE.md ("Call methods") as one
//! table: each [`Method`] row names the method and its arguments, says
//! whether it is idempotent (which decides whether a request that may have
//! reached Salesforce is retried) and how it runs. Dispatch, retries and
//! the list of valid names all come from [`METHODS`]. Method names are
//! exact strings.

pub mod incremental;
pub mod source;
pub mod sync;

use crate::client::Client;
use crate::config::clamp_batch_size;
use crate::error::{Error, ErrorKind, Result};
use crate::query::{self, Api, QueryPager};
use serde_json::{json, Value};

/// One call method.
pub struct Method {
    /// The name, exactly as callers spell it.
    pub name: &'static str,
    /// The arguments, as the ARCHITECTURE.md call table lists them.
    pub args: &'static str,
    /// Whether sending it twice is harmless. Requests of methods that are
    /// not (create, delete, ...) are not repeated once they may have
    /// reached Salesforce.
    pub idempotent: bool,
    run: Run,
}

/// How a method runs.
#[derive(Clone, Copy)]
enum Run {
    /// A SOAP call as the codec knows it: arguments and result as they are.
    Soap,
    /// Own code.
    Own(fn(&mut Client, &Method, &Value) -> Result<Value>),
}

const fn soap(name: &'static str, args: &'static str, idempotent: bool) -> Method {
    Method {
        name,
        args,
        idempotent,
        run: Run::Soap,
    }
}

const fn own(
    name: &'static str,
    args: &'static str,
    run: fn(&mut Client, &Method, &Value) -> Result<Value>,
) -> Method {
    Method {
        name,
        args,
        idempotent: true,
        run: Run::Own(run),
    }
}

/// Every call method, in the order of the ARCHITECTURE.md call table.
pub static METHODS: &[Method] = &[
    own("login", "{}", |c, _, _| c.login_result()),
    own("logout", "{}", |c, _, _| c.logout()),
    own("query", r#"{"soql", "batch_size"?}"#, first_query_page),
    own("queryAll", r#"{"soql", "batch_size"?}"#, first_query_page),
    own(
        "queryMore",
        r#"{"query_locator", "batch_size"?}"#,
        query_more,
    ),
    own(
        "query_all_pages",
        r#"{"soql", "all"?: bool, "batch_size"?}"#,
        query_all_pages,
    ),
    own(
        "rest_query",
        r#"{"soql", "all"?: bool, "batch_size"?}"#,
        rest_query,
    ),
    own(
        "rest_query_more",
        r#"{"next_records_url"}"#,
        rest_query_more,
    ),
    soap("search", r#"{"sosl"}"#, true),
    soap("retrieve", r#"{"fields": [..], "type", "ids": [..]}"#, true),
    soap(
        "create",
        r#"{"type", "records": [{field: value or null}]}"#,
        false,
    ),
    soap(
        "update",
        r#"{"type", "records": [{field: value or null}]}"#,
        false,
    ),
    soap(
        "upsert",
        r#"{"type", "external_id_field", "records": [...]}"#,
        false,
    ),
    soap("delete", r#"{"ids": [..]}"#, false),
    soap("describeGlobal", "{}", true),
    soap("describeSObject", r#"{"type"}"#, true),
    soap("describeSObjects", r#"{"types": [..]}"#, true),
    soap(
        "describeLayout",
        r#"{"type", "record_type_ids"?: [..]}"#,
        true,
    ),
    soap("describeTabs", "{}", true),
    soap("getUserInfo", "{}", true),
    soap("getServerTimestamp", "{}", true),
    soap("getUpdated", r#"{"type","start","end"}"#, true),
    soap("getDeleted", r#"{"type","start","end"}"#, true),
    soap(
        "convertLead",
        r#"{"lead_converts": [{...wire field names...}]}"#,
        false,
    ),
    soap("setPassword", r#"{"user_id","password"}"#, false),
    soap("resetPassword", r#"{"user_id"}"#, false),
    own("session", "{}", session),
    own("usage", "{}", usage),
    own("warnings", "{}", |c, _, _| {
        Ok(json!({ "warnings": c.warnings() }))
    }),
    own(
        "sync_plan",
        "planner input without `records`",
        |c, _, args| sync::fetch_and_plan(c, args),
    ),
];

/// The method called `name`, if there is one.
pub fn method(name: &str) -> Option<&'static Method> {
    METHODS.iter().find(|m| m.name == name)
}

/// Every method name `Client::call` accepts, sorted.
pub fn method_names() -> Vec<&'static str> {
    let mut names: Vec<&'static str> = METHODS.iter().map(|m| m.name).collect();
    names.sort_unstable();
    names
}

impl Client {
    /// Runs one method (see ARCHITECTURE.md, "Call methods") and returns
    /// its JSON result.
    pub fn call(&mut self, method: &str, args: &Value) -> Result<Value> {
        let result = dispatch(self, method, args);
        result.map_err(|e| self.scrub(e.context(method)))
    }
}

/// Runs `name` with `args` (a JSON object; `null` counts as `{}`).
fn dispatch(client: &mut Client, name: &str, args: &Value) -> Result<Value> {
    let empty = json!({});
    let args = match args {
        Value::Null => &empty,
        Value::Object(_) => args,
        _ => {
            return Err(Error::new(
                ErrorKind::InvalidArgument,
                format!("the arguments of {name} must be a JSON object"),
            ))
        }
    };
    let Some(m) = method(name) else {
        return Err(Error::new(
            ErrorKind::UnknownMethod,
            format!(
                "unknown method \"{name}\" (method names are case-sensitive; valid: {})",
                method_names().join(", ")
            ),
        ));
    };
    match m.run {
        Run::Soap => client.soap_call(m.name, args, None, m.name, m.idempotent),
        Run::Own(run) => run(client, m, args),
    }
}

/// A query to be read page by page by the caller (`sf_query_open`):
/// arguments `{"soql", "all"?: bool, "batch_size"?}`, checked as the
/// `query_all_pages` method checks them; nothing is sent yet.
pub fn open_query(client: &Client, args: &Value) -> Result<QueryPager> {
    const NAME: &str = "sf_query_open";
    if !args.is_object() {
        return Err(Error::new(
            ErrorKind::InvalidArgument,
            format!("the arguments of {NAME} must be a JSON object"),
        ));
    }
    let soql = required_str(args, "soql", NAME)?;
    let all = optional_bool(args, "all", NAME)?;
    let batch = batch_size(client, args)?;
    Ok(QueryPager::new(Api::Soap, soql, all, batch))
}

/// The next page of a query opened by [`open_query`], in the shape of the
/// `query` method, or `None` after the last one.
pub fn next_query_page(client: &mut Client, pager: &mut QueryPager) -> Result<Option<Value>> {
    let method = if pager.pages() == 0 {
        "query"
    } else {
        "queryMore"
    };
    pager
        .next_page(client)
        .map_err(|e| client.scrub(e.context(method)))
}

fn first_query_page(client: &mut Client, m: &Method, args: &Value) -> Result<Value> {
    let batch = batch_size(client, args)?;
    client.soap_call(m.name, args, Some(batch), m.name, m.idempotent)
}

/// Follow-up pages: a batch size only when asked for; otherwise Salesforce
/// keeps paging as the cursor was opened.
fn query_more(client: &mut Client, m: &Method, args: &Value) -> Result<Value> {
    let batch = explicit_batch_size(args)?;
    client.soap_call(m.name, args, batch, m.name, m.idempotent)
}

fn query_all_pages(client: &mut Client, m: &Method, args: &Value) -> Result<Value> {
    let soql = required_str(args, "soql", m.name)?;
    let all = optional_bool(args, "all", m.name)?;
    let batch = batch_size(client, args)?;
    query::all_pages(client, Api::Soap, soql, all, batch)
}

fn rest_query(client: &mut Client, m: &Method, args: &Value) -> Result<Value> {
    let soql = required_str(args, "soql", m.name)?;
    let all = optional_bool(args, "all", m.name)?;
    let batch = batch_size(client, args)?;
    let path = query::rest_query_path(&client.config().api_version, soql, all);
    query::rest_query_page(client, &path, Some(batch), m.name)
}

fn rest_query_more(client: &mut Client, m: &Method, args: &Value) -> Result<Value> {
    let url = required_str(args, "next_records_url", m.name)?;
    let batch = explicit_batch_size(args)?;
    let path = query::rest_next_path(client, url)?;
    query::rest_query_page(client, &path, batch, m.name)
}

fn session(client: &mut Client, _: &Method, _: &Value) -> Result<Value> {
    let s = client.session()?;
    Ok(json!({
        "session_id": s.token.expose(),
        "server_url": s.server_url,
        "user_id": s.user_id,
        "org_id": s.org_id,
        "user_name": s.user_name,
    }))
}

/// Answered locally: no Salesforce request.
fn usage(client: &mut Client, _: &Method, _: &Value) -> Result<Value> {
    let u = client.usage();
    Ok(json!({
        "api_calls": u.api_calls,
        "logins": u.logins,
        "retries": u.retries,
        "limit_info": client.limit_info().map(|l| json!({
            "current": l.current, "limit": l.limit, "type": l.kind
        })),
    }))
}

fn required_str<'a>(args: &'a Value, key: &str, method: &str) -> Result<&'a str> {
    match args.get(key) {
        Some(Value::String(s)) if !s.trim().is_empty() => Ok(s),
        _ => Err(Error::new(
            ErrorKind::InvalidArgument,
            format!("{method} needs \"{key}\" (a non-empty string)"),
        )),
    }
}

fn optional_bool(args: &Value, key: &str, method: &str) -> Result<bool> {
    match args.get(key) {
        None | Some(Value::Null) => Ok(false),
        Some(Value::Bool(b)) => Ok(*b),
        Some(_) => Err(Error::new(
            ErrorKind::InvalidArgument,
            format!("{method}: \"{key}\" must be true or false"),
        )),
    }
}

/// `batch_size` argument (clamped to 200..2000), else the configured one.
fn batch_size(client: &Client, args: &Value) -> Result<u32> {
    Ok(explicit_batch_size(args)?.unwrap_or(client.config().batch_size))
}

/// `batch_size` argument (clamped to 200..2000), if given.
fn explicit_batch_size(args: &Value) -> Result<Option<u32>> {
    match args.get("batch_size") {
        None | Some(Value::Null) => Ok(None),
        Some(v) => v
            .as_i64()
            .map(|b| Some(clamp_batch_size(b)))
            .ok_or_else(|| {
                Error::new(
                    ErrorKind::InvalidArgument,
                    "\"batch_size\" must be a whole number (200..2000)",
                )
            }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn client() -> Client {
        Client::from_json(r#"{"username": "u", "password": "p"}"#).unwrap()
    }

    #[test]
    fn unknown_method_lists_valid_names() {
        let mut c = client();
        let e = c.call("Query", &json!({})).unwrap_err();
        assert_eq!(e.kind, ErrorKind::UnknownMethod);
        for m in [
            "query",
            "query_all_pages",
            "rest_query_more",
            "sync_plan",
            "usage",
            "warnings",
        ] {
            assert!(e.message.contains(m), "{e}");
        }
    }

    #[test]
    fn bad_arguments_are_refused_before_any_request() {
        let mut c = client();
        let e = c.call("query_all_pages", &json!({})).unwrap_err();
        assert_eq!(e.kind, ErrorKind::InvalidArgument);
        assert!(e.message.contains("soql"), "{e}");
        let e = c.call("query", &json!([1])).unwrap_err();
        assert_eq!(e.kind, ErrorKind::InvalidArgument);
        let e = c
            .call("rest_query", &json!({"soql": "x", "all": "yes"}))
            .unwrap_err();
        assert!(e.message.contains("all"), "{e}");
        let usage = c.call("usage", &Value::Null).unwrap();
        assert_eq!(
            usage,
            json!({"api_calls": 0, "logins": 0, "retries": 0, "limit_info": null})
        );
    }

    #[test]
    fn every_soap_method_has_one_row() {
        for name in crate::soap::SOAP_METHODS {
            assert!(method(name).is_some(), "{name} has no row");
        }
        let mut names = method_names();
        names.dedup();
        assert_eq!(names.len(), METHODS.len(), "a name is listed twice");
        for m in METHODS {
            if matches!(m.run, Run::Soap) {
                assert!(crate::soap::SOAP_METHODS.contains(&m.name), "{}", m.name);
            }
        }
    }

    #[test]
    fn only_writes_are_not_idempotent() {
        let writes: Vec<&str> = METHODS
            .iter()
            .filter(|m| !m.idempotent)
            .map(|m| m.name)
            .collect();
        assert_eq!(
            writes,
            [
                "create",
                "update",
                "upsert",
                "delete",
                "convertLead",
                "setPassword",
                "resetPassword"
            ]
        );
    }

    #[test]
    fn the_architecture_call_table_lists_every_method_with_its_arguments() {
        let doc = include_str!("../../doc/dev/ARCHITECTURE.md");
        for m in METHODS {
            let name = format!("`{}`", m.name);
            let row = doc.lines().find(|line| {
                line.starts_with("| ")
                    && line
                        .split('|')
                        .nth(1)
                        .is_some_and(|cell| cell.split(',').any(|n| n.trim() == name))
            });
            let row = row.unwrap_or_else(|| panic!("no call table row for {name}"));
            let args = row.split('|').nth(2).unwrap_or("");
            assert!(args.contains(m.args), "{name}: {args:?} lacks {:?}", m.args);
        }
    }
}
