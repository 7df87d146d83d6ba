//! Method dispatch: the call table of doc/dev/ARCHITECTURE.md ("Call
//! methods"). Method names are exact strings.

use crate::client::Client;
use crate::error::{Error, ErrorKind, Result};
use crate::query::{self, Api};
use crate::soap;
use serde_json::{json, Value};

/// Methods handled here, beyond the SOAP calls the codec knows
/// ([`soap::SOAP_METHODS`]; `login` and `logout` among them are matched
/// first, since they change the session).
const OWN_METHODS: &[&str] = &[
    "query_all_pages",
    "rest_query",
    "rest_query_more",
    "session",
    "usage",
    "sync_plan",
];

/// Every method name `Client::call` accepts, sorted.
pub fn method_names() -> Vec<&'static str> {
    let mut v: Vec<&'static str> = soap::SOAP_METHODS
        .iter()
        .chain(OWN_METHODS)
        .copied()
        .collect();
    v.sort_unstable();
    v
}

/// Runs `method` with `args` (a JSON object; `null` counts as `{}`).
pub fn dispatch(client: &mut Client, method: &str, args: &Value) -> Result<Value> {
    let empty = json!({});
    let args = match args {
        Value::Null => &empty,
        Value::Object(_) => args,
        _ => {
            return Err(Error::new(
                ErrorKind::InvalidArgument,
                format!("the arguments of {method} must be a JSON object"),
            ))
        }
    };
    match method {
        "login" => client.login_result(),
        "logout" => client.logout(),
        "query" | "queryAll" => {
            let batch = batch_size(client, args)?;
            client.soap_call(method, args, Some(batch), method)
        }
        // Follow-up pages: a batch size only when asked for; otherwise
        // Salesforce keeps paging as the cursor was opened.
        "queryMore" => {
            let batch = explicit_batch_size(args)?;
            client.soap_call(method, args, batch, method)
        }
        "query_all_pages" => {
            let soql = required_str(args, "soql", method)?;
            let all = optional_bool(args, "all", method)?;
            let batch = batch_size(client, args)?;
            query::all_pages(client, Api::Soap, soql, all, batch)
        }
        "rest_query" => {
            let soql = required_str(args, "soql", method)?;
            let all = optional_bool(args, "all", method)?;
            let batch = batch_size(client, args)?;
            let path = query::rest_query_path(&client.cfg.api_version, soql, all);
            client.rest_query_get(&path, Some(batch), method)
        }
        "rest_query_more" => {
            let url = required_str(args, "next_records_url", method)?;
            let batch = explicit_batch_size(args)?;
            let path = query::rest_next_path(client, url)?;
            client.rest_query_get(&path, batch, method)
        }
        "session" => {
            let s = client.session()?;
            Ok(json!({
                "session_id": s.token.expose(),
                "server_url": s.server_url,
                "user_id": s.user_id,
                "org_id": s.org_id,
                "user_name": s.user_name,
            }))
        }
        "usage" => {
            let t = &client.transport;
            Ok(json!({
                "api_calls": t.usage.api_calls,
                "logins": t.usage.logins,
                "retries": t.usage.retries,
                "limit_info": t.limit_info.as_ref().map(|l| json!({
                    "current": l.current, "limit": l.limit, "type": l.kind
                })),
            }))
        }
        "sync_plan" => crate::sync::fetch_and_plan(client, args),
        m if soap::SOAP_METHODS.contains(&m) => client.soap_call(m, args, None, m),
        other => Err(Error::new(
            ErrorKind::UnknownMethod,
            format!(
                "unknown method \"{other}\" (method names are case-sensitive; valid: {})",
                method_names().join(", ")
            ),
        )),
    }
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
    Ok(explicit_batch_size(args)?.unwrap_or(client.cfg.batch_size))
}

/// `batch_size` argument (clamped to 200..2000), if given.
fn explicit_batch_size(args: &Value) -> Result<Option<u32>> {
    match args.get("batch_size") {
        None | Some(Value::Null) => Ok(None),
        Some(v) => v
            .as_i64()
            .map(|b| Some(crate::config::clamp_batch_size(b)))
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
}
