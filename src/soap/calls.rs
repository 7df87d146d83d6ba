//! Response side: envelope checks, faults, login and per-call results.

use super::read::{describe_body, protocol, Doc, Id};
use super::record::{fast_query_response, fast_query_response_each, generic, query_page, record};
use super::{LimitInfo, LoginResult, Response};
use crate::error::{redact, Error, ErrorKind, Result};
use crate::records::{hand_over, RecordSink};
use serde_json::{json, Map, Value};
use std::ops::Range;

/// The parts of a SOAP envelope we use.
struct Envelope {
    header: Option<Id>,
    /// First element child of `<Body>`.
    payload: Id,
}

fn envelope(doc: &Doc<'_>, status: u16) -> Result<Envelope> {
    let root = doc.root();
    let n = doc.node(root);
    if n.name != "Envelope" {
        let what = if n.name.eq_ignore_ascii_case("html") {
            "got HTML".to_owned()
        } else {
            format!("root element is <{}>", n.name)
        };
        return Err(protocol(format!(
            "response is not a SOAP envelope: {what} (status {status})"
        )));
    }
    if !n.env {
        return Err(protocol(format!(
            "response <Envelope> is not in the SOAP 1.1 namespace {} (status {status})",
            super::ENVELOPE_NS
        )));
    }
    let is_env = |name: &'static str| {
        move |c: &Id| {
            let n = doc.node(*c);
            n.env && n.name == name
        }
    };
    let header = doc.children(root).find(is_env("Header"));
    let body = doc
        .children(root)
        .find(is_env("Body"))
        .ok_or_else(|| protocol(format!("SOAP envelope has no <Body> (status {status})")))?;
    let payload = doc
        .children(body)
        .next()
        .ok_or_else(|| protocol(format!("SOAP <Body> is empty (status {status})")))?;
    Ok(Envelope { header, payload })
}

fn is_fault(doc: &Doc<'_>, id: Id) -> bool {
    doc.node(id).name == "Fault"
}

/// Builds the error of a `<Fault>` element.
fn fault_error(doc: &Doc<'_>, fault: Id, status: u16, login: bool) -> Error {
    let faultcode = doc.child_text(fault, "faultcode").unwrap_or("").trim();
    let faultcode = faultcode.rsplit(':').next().unwrap_or(faultcode);
    let faultstring = doc.child_text(fault, "faultstring").unwrap_or("");
    let detail = doc
        .child(fault, "detail")
        .and_then(|d| doc.children(d).next());
    let (detail_name, exc_code, exc_message) = match detail {
        Some(d) => (
            doc.node(d).name,
            doc.child_text(d, "exceptionCode")
                .map(str::trim)
                .unwrap_or(""),
            doc.child_text(d, "exceptionMessage").unwrap_or(""),
        ),
        None => ("", "", ""),
    };
    let code = if !exc_code.is_empty() {
        exc_code
    } else if !faultcode.is_empty() {
        faultcode
    } else {
        "UNKNOWN_FAULT"
    };
    let message = if !exc_message.trim().is_empty() {
        exc_message.trim()
    } else {
        // faultstring is "CODE: message"; the code is shown separately.
        let s = faultstring.trim();
        s.strip_prefix(code)
            .and_then(|r| r.strip_prefix(':'))
            .map(str::trim)
            .unwrap_or(s)
    };
    let message = if message.is_empty() {
        "(Salesforce gave no message)".to_owned()
    } else {
        redact(message)
    };
    let kind = if login || detail_name == "LoginFault" {
        ErrorKind::Auth
    } else if code == "REQUEST_LIMIT_EXCEEDED" {
        ErrorKind::LimitExceeded
    } else {
        ErrorKind::Salesforce
    };
    Error::new(kind, message)
        .with_sf_code(code)
        .with_status(status)
}

/// The error for a body that is not even XML we can read.
fn unreadable(status: u16, body: &[u8], err: Error) -> Error {
    let what = describe_body(body);
    if status != 200 {
        Error::new(
            ErrorKind::Http,
            format!("HTTP status {status} with {what} instead of a SOAP response"),
        )
        .with_status(status)
    } else if what == "XML" {
        err.with_status(status)
    } else {
        protocol(format!(
            "response is not a SOAP envelope: got {what} (status {status})"
        ))
        .with_status(status)
    }
}

/// Parses and checks the envelope; faults become errors.
fn open<'a>(status: u16, body: &'a [u8], login: bool) -> Result<(Doc<'a>, Envelope)> {
    let doc = Doc::parse(body).map_err(|e| unreadable(status, body, e))?;
    let env = match envelope(&doc, status) {
        Ok(env) => env,
        Err(e) if status != 200 => {
            return Err(Error::new(
                ErrorKind::Http,
                format!("HTTP status {status} without a SOAP fault ({})", e.message),
            )
            .with_status(status))
        }
        Err(e) => return Err(e.with_status(status)),
    };
    if is_fault(&doc, env.payload) {
        return Err(fault_error(&doc, env.payload, status, login));
    }
    if status != 200 {
        return Err(Error::new(
            ErrorKind::Http,
            format!(
                "HTTP status {status} with a SOAP <{}> that is not a fault",
                doc.node(env.payload).name
            ),
        )
        .with_status(status));
    }
    Ok((doc, env))
}

/// See [`super::parse_fault`].
pub(super) fn parse_fault(status: u16, body: &[u8]) -> Option<Error> {
    let doc = Doc::parse(body).ok()?;
    let env = envelope(&doc, status).ok()?;
    if is_fault(&doc, env.payload) {
        Some(fault_error(&doc, env.payload, status, false))
    } else {
        None
    }
}

fn limit_info(doc: &Doc<'_>, header: Option<Id>) -> Option<LimitInfo> {
    let lih = doc.child(header?, "LimitInfoHeader")?;
    let mut first = None;
    for info in doc
        .children(lih)
        .filter(|c| doc.node(*c).name == "limitInfo")
    {
        let parse = |name| {
            doc.child_text(info, name)
                .and_then(|t| t.trim().parse::<u64>().ok())
        };
        let (Some(current), Some(limit)) = (parse("current"), parse("limit")) else {
            continue;
        };
        let kind = doc.child_text(info, "type").unwrap_or("").to_owned();
        let li = LimitInfo {
            current,
            limit,
            kind,
        };
        if li.kind == "API REQUESTS" {
            return Some(li);
        }
        first.get_or_insert(li);
    }
    first
}

/// See [`super::parse_login_response`].
pub(super) fn parse_login_response(status: u16, body: &[u8]) -> Result<LoginResult> {
    let (doc, env) = open(status, body, true).map_err(|e| e.context("login"))?;
    login_result(&doc, env.payload).map_err(|e| e.with_status(status).context("login"))
}

fn expect_payload(doc: &Doc<'_>, payload: Id, method: &str) -> Result<()> {
    let name = doc.node(payload).name;
    let ok = name.len() == method.len() + "Response".len()
        && name.starts_with(method)
        && name.ends_with("Response");
    if ok {
        Ok(())
    } else {
        Err(protocol(format!(
            "expected <{method}Response> in the SOAP body, got <{name}>"
        )))
    }
}

fn result_of(doc: &Doc<'_>, payload: Id, method: &str) -> Result<Id> {
    doc.child(payload, "result")
        .ok_or_else(|| protocol(format!("<{method}Response> has no <result>")))
}

fn login_result(doc: &Doc<'_>, payload: Id) -> Result<LoginResult> {
    expect_payload(doc, payload, "login")?;
    let result = result_of(doc, payload, "login")?;
    let required = |parent: Id, name: &str, path: &str| -> Result<String> {
        match doc.child_text(parent, name).map(str::trim) {
            Some(t) if !t.is_empty() => Ok(t.to_owned()),
            _ => Err(protocol(format!("login response lacks {path}"))),
        }
    };
    let session_id = required(result, "sessionId", "<sessionId>")?;
    let server_url = required(result, "serverUrl", "<serverUrl>")?;
    let user_id = required(result, "userId", "<userId>")?;
    let user_info_id = doc
        .child(result, "userInfo")
        .ok_or_else(|| protocol("login response lacks <userInfo>"))?;
    let org_id = required(user_info_id, "organizationId", "<userInfo><organizationId>")?;
    let user_name = required(user_info_id, "userName", "<userInfo><userName>")?;
    let user_info = generic(doc, user_info_id);
    let session_seconds_valid = doc
        .child_text(user_info_id, "sessionSecondsValid")
        .and_then(|t| t.trim().parse::<u64>().ok());
    Ok(LoginResult {
        session_id,
        server_url,
        metadata_server_url: doc
            .child_text(result, "metadataServerUrl")
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .map(str::to_owned),
        user_id,
        org_id,
        user_name,
        password_expired: doc.child_text(result, "passwordExpired").map(str::trim) == Some("true"),
        session_seconds_valid,
        user_info,
    })
}

/// See [`super::parse_call_response`].
pub(super) fn parse_call_response(method: &str, status: u16, body: &[u8]) -> Result<Response> {
    if !super::write::SOAP_METHODS.contains(&method) {
        return Err(Error::new(
            ErrorKind::UnknownMethod,
            format!("{method:?} is not a SOAP call"),
        ));
    }
    if status == 200 && matches!(method, "query" | "queryAll" | "queryMore") {
        // One pass, no node tree; anything unusual (faults included) falls
        // through to the tree path below.
        if let Some((result, header)) = fast_query_response(method, body) {
            if let Some(limit_info) = header_limit_info(body, header) {
                return Ok(Response { result, limit_info });
            }
        }
    }
    parse_call_response_tree(method, status, body)
}

/// The `LimitInfoHeader` of the SOAP header the one-pass decoder found
/// (`header`: its byte range, if any); `None` when that header cannot be
/// read, so the tree path decides.
fn header_limit_info(body: &[u8], header: Option<Range<usize>>) -> Option<Option<LimitInfo>> {
    match header {
        None => Some(None),
        Some(range) => body
            .get(range)
            .and_then(|h| Doc::parse(h).ok())
            .map(|h| limit_info(&h, Some(h.root()))),
    }
}

/// [`parse_call_response`] for a `query`/`queryAll`/`queryMore` page with
/// status 200, handing each record to `each` as it is decoded instead of
/// collecting them: the result's `records` is empty; also returns how many
/// records were handed over. An error of `each` ends it.
pub(super) fn parse_query_response_each(
    method: &str,
    body: &[u8],
    each: &mut dyn FnMut(Value) -> Result<()>,
) -> Result<(Response, u64)> {
    let mut sink = RecordSink::new(Some(&mut *each));
    let fast = fast_query_response_each(method, body, &mut sink);
    if let Some(e) = sink.failed {
        return Err(e);
    }
    let delivered = sink.delivered;
    if let Some((result, header)) = fast {
        if let Some(limit_info) = header_limit_info(body, header) {
            return Ok((Response { result, limit_info }, delivered));
        }
    }
    // The tree path decides; the records handed over already are its first
    // ones (the one-pass decoder gives the same records or gives up).
    let mut response = parse_call_response_tree(method, 200, body)?;
    let total = hand_over(&mut response.result, delivered, each)?;
    Ok((response, total))
}

/// [`parse_call_response`] through the node tree (every call; the
/// reference the one-pass query decoder is checked against).
pub(super) fn parse_call_response_tree(method: &str, status: u16, body: &[u8]) -> Result<Response> {
    let (doc, env) = open(status, body, method == "login").map_err(|e| e.context(method))?;
    let limit_info = limit_info(&doc, env.header);
    let result =
        decode(method, &doc, env.payload).map_err(|e| e.with_status(status).context(method))?;
    Ok(Response { result, limit_info })
}

fn text_or_null(doc: &Doc<'_>, parent: Id, name: &str) -> Value {
    match doc.child_text(parent, name) {
        Some(t) => Value::String(t.to_owned()),
        None => Value::Null,
    }
}

fn bool_of(doc: &Doc<'_>, parent: Id, name: &str) -> Value {
    Value::Bool(doc.child_text(parent, name).map(str::trim) == Some("true"))
}

/// `errors` children as `[{"statusCode","message","fields"}]`.
fn errors_of(doc: &Doc<'_>, parent: Id) -> Value {
    let mut list = Vec::new();
    for e in doc
        .children(parent)
        .filter(|c| doc.node(*c).name == "errors")
    {
        let fields: Vec<Value> = doc
            .children(e)
            .filter(|c| doc.node(*c).name == "fields" && !doc.node(*c).nil)
            .map(|c| Value::String(doc.node(c).text.as_ref().to_owned()))
            .collect();
        let message = doc.child_text(e, "message").map(redact).unwrap_or_default();
        list.push(json!({
            "statusCode": text_or_null(doc, e, "statusCode"),
            "message": message,
            "fields": fields,
        }));
    }
    Value::Array(list)
}

fn results<'d>(doc: &'d Doc<'_>, payload: Id) -> impl Iterator<Item = Id> + 'd {
    doc.children(payload)
        .filter(move |c| doc.node(*c).name == "result")
}

fn decode(method: &str, doc: &Doc<'_>, payload: Id) -> Result<Value> {
    expect_payload(doc, payload, method)?;
    Ok(match method {
        "login" => {
            let r = login_result(doc, payload)?;
            // No secrets: the session id stays out of this JSON.
            json!({
                "user_id": r.user_id,
                "org_id": r.org_id,
                "user_name": r.user_name,
                "server_url": r.server_url,
                "metadata_server_url": r.metadata_server_url,
                "password_expired": r.password_expired,
            })
        }
        "logout" | "setPassword" => json!({}),
        "query" | "queryAll" | "queryMore" => query_page(doc, result_of(doc, payload, method)?)?,
        "search" => {
            let mut records = Vec::new();
            if let Some(r) = doc.child(payload, "result") {
                for sr in doc
                    .children(r)
                    .filter(|c| doc.node(*c).name == "searchRecords")
                {
                    if let Some(rec) = doc.child(sr, "record") {
                        records.push(if doc.node(rec).nil {
                            Value::Null
                        } else {
                            record(doc, rec)
                        });
                    }
                }
            }
            json!({ "records": records })
        }
        "retrieve" => {
            let records: Vec<Value> = results(doc, payload)
                .map(|r| {
                    if doc.node(r).nil {
                        Value::Null
                    } else {
                        record(doc, r)
                    }
                })
                .collect();
            json!({ "records": records })
        }
        "create" | "update" | "upsert" | "delete" => {
            let list: Vec<Value> = results(doc, payload)
                .map(|r| {
                    let mut m = Map::new();
                    m.insert("id".to_owned(), text_or_null(doc, r, "id"));
                    m.insert("success".to_owned(), bool_of(doc, r, "success"));
                    if method == "upsert" {
                        m.insert("created".to_owned(), bool_of(doc, r, "created"));
                    }
                    m.insert("errors".to_owned(), errors_of(doc, r));
                    Value::Object(m)
                })
                .collect();
            json!({ "results": list })
        }
        "describeGlobal" | "describeSObject" | "getUserInfo" => {
            generic(doc, result_of(doc, payload, method)?)
        }
        "describeLayout" => match doc.child(payload, "result") {
            Some(r) => generic(doc, r),
            None => Value::Null,
        },
        "describeSObjects" => {
            let list: Vec<Value> = results(doc, payload).map(|r| generic(doc, r)).collect();
            json!({ "results": list })
        }
        "describeTabs" => {
            let list: Vec<Value> = results(doc, payload).map(|r| generic(doc, r)).collect();
            json!({ "tab_sets": list })
        }
        "getServerTimestamp" => {
            let r = result_of(doc, payload, method)?;
            match doc.child_text(r, "timestamp") {
                Some(t) if !t.trim().is_empty() => json!({ "timestamp": t.trim() }),
                _ => return Err(protocol("getServerTimestamp result lacks <timestamp>")),
            }
        }
        "getUpdated" => {
            let r = result_of(doc, payload, method)?;
            let ids: Vec<Value> = doc
                .children(r)
                .filter(|c| doc.node(*c).name == "ids" && !doc.node(*c).nil)
                .map(|c| Value::String(doc.node(c).text.as_ref().to_owned()))
                .collect();
            json!({ "ids": ids, "latest_date_covered": text_or_null(doc, r, "latestDateCovered") })
        }
        "getDeleted" => {
            let r = result_of(doc, payload, method)?;
            let deleted: Vec<Value> = doc
                .children(r)
                .filter(|c| doc.node(*c).name == "deletedRecords")
                .map(|d| {
                    json!({ "id": text_or_null(doc, d, "id"), "deleted_date": text_or_null(doc, d, "deletedDate") })
                })
                .collect();
            json!({
                "deleted": deleted,
                "earliest_date_available": text_or_null(doc, r, "earliestDateAvailable"),
                "latest_date_covered": text_or_null(doc, r, "latestDateCovered"),
            })
        }
        "convertLead" => {
            let list: Vec<Value> = results(doc, payload)
                .map(|r| {
                    json!({
                        "accountId": text_or_null(doc, r, "accountId"),
                        "contactId": text_or_null(doc, r, "contactId"),
                        "leadId": text_or_null(doc, r, "leadId"),
                        "opportunityId": text_or_null(doc, r, "opportunityId"),
                        "success": bool_of(doc, r, "success"),
                        "errors": errors_of(doc, r),
                    })
                })
                .collect();
            json!({ "results": list })
        }
        "resetPassword" => {
            let r = result_of(doc, payload, method)?;
            match doc.child_text(r, "password") {
                Some(p) => json!({ "password": p }),
                None => return Err(protocol("resetPassword result lacks <password>")),
            }
        }
        other => {
            return Err(Error::new(
                ErrorKind::UnknownMethod,
                format!("{other:?} is not a SOAP call"),
            ))
        }
    })
}
