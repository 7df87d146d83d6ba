//! REST and OAuth response decoding: pure functions, no I/O.
//!
//! REST query records are normalised to the shape the SOAP decoder gives
//! (see `soap::record`), so callers and the planner see one record shape
//! whatever API fetched it:
//!
//! * `attributes` is dropped, its `type` kept as `"type"`; `"Id"` is added
//!   as `null` when the record has none (SOAP always has one);
//! * scalars become Salesforce's text: booleans `"true"`/`"false"`, numbers
//!   their JSON text (`23.0`, `400`), datetimes `...+0000` rewritten to
//!   `...Z` as SOAP writes them; except in `AggregateResult` records, whose
//!   numbers and booleans stay typed (SOAP types them too);
//! * nested parents are nested records, `null` stays `null`;
//! * child subqueries become `{"done", "size", "records"}` (plus
//!   `next_records_url` while not done); compound fields (address,
//!   location) become objects of strings.

use crate::error::{redact, BodyLooks, Error, ErrorKind, Result};
use crate::records::{hand_over, RecordSink};
use normalise::normalise_record;
pub(crate) use page::page_head;

mod normalise;
mod page;
use serde_json::{Map, Value};
use std::fmt;

fn protocol(msg: impl Into<String>) -> Error {
    Error::new(ErrorKind::Protocol, msg)
}

/// The JSON type of a value, for error messages (never the value itself).
fn json_kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "a list",
        Value::Object(_) => "an object",
    }
}

/// Says what a body that is not valid JSON looks like.
fn describe(body: &[u8]) -> &'static str {
    match BodyLooks::of(body) {
        BodyLooks::Json => "malformed JSON",
        other => other.words(),
    }
}

fn parse_json(body: &[u8], what: &str) -> Result<Value> {
    serde_json::from_slice(body).map_err(|e| {
        protocol(format!(
            "{what} is not valid JSON: got {} ({e})",
            describe(body)
        ))
    })
}

/// Decodes one REST query page (`/query`, `/queryAll`, `nextRecordsUrl`)
/// into `{"done", "size", "next_records_url", "records"}`
/// (`next_records_url` is null on the last page); records are normalised
/// like the SOAP ones (see the module documentation).
pub fn parse_query_page(body: &[u8]) -> Result<Value> {
    match page::fast_query_page(body) {
        Some(page) => Ok(page),
        None => parse_query_page_tree(body),
    }
}

/// [`parse_query_page`], handing each record to `each` as soon as it is
/// decoded (memory holds one record, not the page). Returns the page
/// without its records (`records` is empty) and how many records `each`
/// received. An error of `each` ends it.
pub fn parse_query_page_each(
    body: &[u8],
    each: &mut dyn FnMut(Value) -> Result<()>,
) -> Result<(Value, u64)> {
    let mut sink = RecordSink::new(Some(&mut *each));
    let fast = page::fast_page(body, &mut sink);
    if let Some(e) = sink.failed {
        return Err(e);
    }
    let delivered = sink.delivered;
    if let Some(page) = fast {
        return Ok((page, delivered));
    }
    // The tree path decides; the records handed over already are its first
    // ones (the one-pass decoder gives the same records or gives up).
    let mut page = parse_query_page_tree(body)?;
    let total = hand_over(&mut page, delivered, each)?;
    Ok((page, total))
}

/// [`parse_query_page`] by way of a parsed tree: the reference the one-pass
/// decoder (`rest::page`) is tested against, and the path that words errors.
pub(crate) fn parse_query_page_tree(body: &[u8]) -> Result<Value> {
    let v = parse_json(body, "REST query response")?;
    let Value::Object(mut page) = v else {
        return Err(protocol(
            "REST query response is not a JSON object with done/totalSize/records",
        ));
    };
    let done = match page.get("done") {
        Some(Value::Bool(b)) => *b,
        _ => return Err(protocol("REST query response lacks a boolean \"done\"")),
    };
    let size = match page.get("totalSize") {
        Some(Value::Number(n)) if n.is_i64() || n.is_u64() => Value::Number(n.clone()),
        None => Value::Null,
        _ => {
            return Err(protocol(
                "REST query response \"totalSize\" is not a whole number",
            ))
        }
    };
    let next = match page.remove("nextRecordsUrl") {
        Some(Value::String(s)) if !s.is_empty() => Value::String(s),
        None | Some(Value::Null) => Value::Null,
        _ => {
            return Err(protocol(
                "REST query response \"nextRecordsUrl\" is not a string",
            ))
        }
    };
    if !done && next.is_null() {
        return Err(protocol(
            "REST query response says done=false but has no nextRecordsUrl",
        ));
    }
    let records = match page.remove("records") {
        Some(Value::Array(list)) => list,
        None | Some(Value::Null) => Vec::new(),
        _ => return Err(protocol("REST query response \"records\" is not a list")),
    };
    // Each record must be a JSON object; anything else (`17`, `"001..."`)
    // would reach the caller as something that is not a record.
    if let Some((i, bad)) = records.iter().enumerate().find(|(_, r)| !r.is_object()) {
        return Err(protocol(format!(
            "REST query response record {} is not a JSON object but {}",
            i + 1,
            json_kind(bad)
        )));
    }
    let records: Vec<Value> = records.into_iter().map(normalise_record).collect();
    let size = if size.is_null() {
        Value::Number((records.len() as u64).into())
    } else {
        size
    };
    let mut out = Map::new();
    out.insert("done".to_owned(), Value::Bool(done));
    out.insert("size".to_owned(), size);
    out.insert("next_records_url".to_owned(), next);
    out.insert("records".to_owned(), Value::Array(records));
    Ok(Value::Object(out))
}

/// Turns a REST error response into an [`Error`]: the JSON error array
/// (`[{"message","errorCode","fields"?}]`, first entry; `sf_code` =
/// `errorCode`), an OAuth-style `{"error","error_description"}` (as
/// `Auth`), or for HTML, empty or other bodies an `Http` error saying what
/// came instead. `REQUEST_LIMIT_EXCEEDED` is `LimitExceeded`; every other
/// Salesforce code is `Salesforce`. Messages are redacted.
pub fn parse_error(status: u16, body: &[u8]) -> Error {
    let v: Option<Value> = serde_json::from_slice(body).ok();
    let entry = match &v {
        Some(Value::Array(list)) => list.first().filter(|e| e.is_object()).cloned(),
        Some(obj @ Value::Object(_)) => Some(obj.clone()),
        _ => None,
    };
    if let Some(Value::Object(e)) = entry {
        if let Some(code) = e.get("errorCode").and_then(Value::as_str) {
            let mut message = e
                .get("message")
                .and_then(Value::as_str)
                .unwrap_or("(Salesforce gave no message)")
                .to_owned();
            if let Some(Value::Array(fields)) = e.get("fields") {
                let names: Vec<&str> = fields.iter().filter_map(Value::as_str).collect();
                if !names.is_empty() {
                    message.push_str(&format!(" (fields: {})", names.join(", ")));
                }
            }
            if let Some(Value::Array(list)) = &v {
                if list.len() > 1 {
                    message.push_str(&format!(" (and {} more errors)", list.len() - 1));
                }
            }
            let kind = if code == "REQUEST_LIMIT_EXCEEDED" {
                ErrorKind::LimitExceeded
            } else {
                ErrorKind::Salesforce
            };
            // A blank message would make an error that says nothing.
            let message = match message.trim() {
                "" => "(Salesforce gave no message)",
                text => text,
            };
            return Error::new(kind, redact(message))
                .with_sf_code(code)
                .with_status(status);
        }
        if let Some(code) = e.get("error").and_then(Value::as_str) {
            return oauth_error(
                status,
                code,
                e.get("error_description").and_then(Value::as_str),
            );
        }
    }
    if status == 300 {
        if let Some(Value::Array(list)) = &v {
            let urls: Vec<&str> = list.iter().filter_map(Value::as_str).collect();
            return Error::new(
                ErrorKind::Salesforce,
                format!(
                    "the external id matched {} records: {}",
                    urls.len(),
                    urls.join(", ")
                ),
            )
            .with_sf_code("MULTIPLE_CHOICES")
            .with_status(status);
        }
    }
    let what = match &v {
        Some(_) => "JSON that is not a Salesforce error",
        None => describe(body),
    };
    Error::new(
        ErrorKind::Http,
        format!("HTTP status {status} with {what} instead of a Salesforce error body"),
    )
    .with_status(status)
}

fn oauth_error(status: u16, code: &str, description: Option<&str>) -> Error {
    let message = match description {
        Some(d) if !d.trim().is_empty() => redact(d.trim()),
        _ => format!("OAuth error {code}"),
    };
    Error::new(ErrorKind::Auth, message)
        .with_sf_code(code)
        .with_status(status)
}

/// A token from the OAuth 2.0 token endpoint. `Debug` hides the tokens.
#[derive(Clone, PartialEq, Eq)]
pub struct OAuthToken {
    /// Bearer token; also usable as the SOAP session id. A secret.
    pub access_token: String,
    /// `https://{instance}`; the REST and SOAP base.
    pub instance_url: String,
    /// Identity URL `.../id/{orgId}/{userId}` (`id` on the wire).
    pub id_url: Option<String>,
    /// Epoch milliseconds as a string.
    pub issued_at: Option<String>,
    /// Only in the refresh-token flow when the app rotates tokens. A secret.
    pub refresh_token: Option<String>,
    pub scope: Option<String>,
}

impl fmt::Debug for OAuthToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("OAuthToken")
            .field("access_token", &"[redacted]")
            .field("instance_url", &self.instance_url)
            .field("id_url", &self.id_url)
            .field("issued_at", &self.issued_at)
            .field(
                "refresh_token",
                &self.refresh_token.as_ref().map(|_| "[redacted]"),
            )
            .field("scope", &self.scope)
            .finish()
    }
}

/// Decodes a token endpoint response. Errors (`{"error",
/// "error_description"}`, any status) become `Auth` with `sf_code` = the
/// OAuth `error`; a non-JSON body is `Http` for a non-200 status and
/// `Protocol` for 200; a 200 without `access_token` / `instance_url` is
/// `Protocol`.
pub fn parse_oauth_token(status: u16, body: &[u8]) -> Result<OAuthToken> {
    let v = match serde_json::from_slice::<Value>(body) {
        Ok(v) => v,
        Err(_) if status != 200 => return Err(parse_error(status, body)),
        Err(e) => {
            return Err(protocol(format!(
                "OAuth token response is not JSON: got {} ({e})",
                describe(body)
            ))
            .with_status(status))
        }
    };
    let Value::Object(map) = v else {
        return Err(if status == 200 {
            protocol("OAuth token response is not a JSON object").with_status(status)
        } else {
            parse_error(status, body)
        });
    };
    if let Some(code) = map.get("error").and_then(Value::as_str) {
        return Err(oauth_error(
            status,
            code,
            map.get("error_description").and_then(Value::as_str),
        ));
    }
    if status != 200 {
        return Err(parse_error(status, body));
    }
    let text = |key: &str| -> Option<String> {
        match map.get(key) {
            Some(Value::String(s)) if !s.is_empty() => Some(s.clone()),
            Some(Value::Number(n)) => Some(n.to_string()),
            _ => None,
        }
    };
    let access_token = text("access_token")
        .ok_or_else(|| protocol("OAuth token response lacks access_token").with_status(status))?;
    let instance_url = text("instance_url")
        .ok_or_else(|| protocol("OAuth token response lacks instance_url").with_status(status))?;
    if !(instance_url.starts_with("https://") || instance_url.starts_with("http://")) {
        return Err(protocol(format!(
            "OAuth token response instance_url {instance_url:?} is not an http(s) URL"
        ))
        .with_status(status));
    }
    Ok(OAuthToken {
        access_token,
        instance_url: instance_url.trim_end_matches('/').to_owned(),
        id_url: text("id"),
        issued_at: text("issued_at"),
        refresh_token: text("refresh_token"),
        scope: text("scope"),
    })
}

/// `(org_id, user_id)` from an identity URL `https://host/id/{org}/{user}`
/// (15- or 18-character ids, as given).
pub fn org_and_user_from_id_url(url: &str) -> Option<(String, String)> {
    let path = url.split(['?', '#']).next()?;
    let idx = path.rfind("/id/")?;
    let mut parts = path[idx + 4..].split('/');
    let org = parts.next()?;
    let user = parts.next()?;
    if parts.any(|p| !p.is_empty()) {
        return None;
    }
    let is_id =
        |s: &str| (s.len() == 15 || s.len() == 18) && s.bytes().all(|b| b.is_ascii_alphanumeric());
    if is_id(org) && is_id(user) {
        Some((org.to_owned(), user.to_owned()))
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn query_page_normalised_like_soap() {
        let body = br#"{
          "totalSize": 3222, "done": false,
          "nextRecordsUrl": "/services/data/v64.0/query/01g5e00000AbCdEAAZ-2000",
          "records": [{
            "attributes": {"type": "Account", "url": "/services/data/v64.0/sobjects/Account/001000000000001AAA"},
            "Id": "001000000000001AAA", "Name": "Acme & <Co>", "Phone": null,
            "NumberOfEmployees": 400, "AnnualRevenue": 23.0, "IsDeleted": false,
            "LastModifiedDate": "2011-07-07T00:37:00.000+0000",
            "BillingAddress": {"city": "Berlin", "postalCode": null, "latitude": 52.5},
            "Owner": {"attributes": {"type": "User", "url": "/x"}, "FirstName": "Jo"},
            "Parent": null,
            "Contacts": {"totalSize": 1, "done": true, "records": [
               {"attributes": {"type": "Contact", "url": "/y"}, "LastName": "Ng"}]},
            "Tasks": null
          }]
        }"#;
        let page = parse_query_page(body).unwrap();
        assert_eq!(page["done"], json!(false));
        assert_eq!(page["size"], json!(3222));
        assert_eq!(
            page["next_records_url"],
            json!("/services/data/v64.0/query/01g5e00000AbCdEAAZ-2000")
        );
        let r = &page["records"][0];
        assert_eq!(
            r,
            &json!({
                "type": "Account", "Id": "001000000000001AAA", "Name": "Acme & <Co>",
                "Phone": null, "NumberOfEmployees": "400", "AnnualRevenue": "23.0",
                "IsDeleted": "false", "LastModifiedDate": "2011-07-07T00:37:00.000Z",
                "BillingAddress": {"city": "Berlin", "postalCode": null, "latitude": "52.5"},
                "Owner": {"type": "User", "Id": null, "FirstName": "Jo"},
                "Parent": null,
                "Contacts": {"done": true, "size": 1, "records": [{"type": "Contact", "Id": null, "LastName": "Ng"}]},
                "Tasks": null
            })
        );
    }

    #[test]
    fn query_page_last_empty_and_aggregate() {
        let page = parse_query_page(br#"{"totalSize": 0, "done": true, "records": []}"#).unwrap();
        assert_eq!(
            page,
            json!({"done": true, "size": 0, "next_records_url": null, "records": []})
        );
        let page = parse_query_page(
            br#"{"totalSize":1,"done":true,"records":[{"attributes":{"type":"AggregateResult"},"expr0":300,"CampaignId":"701000000000001AAA"}]}"#,
        )
        .unwrap();
        assert_eq!(
            page["records"][0],
            json!({"type": "AggregateResult", "Id": null, "expr0": 300, "CampaignId": "701000000000001AAA"})
        );
    }

    #[test]
    fn query_page_refuses_garbage() {
        for (body, needle) in [
            (&b"<html><body>Bad gateway</body></html>"[..], "HTML"),
            (b"", "empty"),
            (b"{\"done\": true", "malformed JSON"),
            (b"[1,2]", "not a JSON object"),
            (b"{\"records\": []}", "done"),
            (b"{\"done\": false, \"records\": []}", "nextRecordsUrl"),
            (b"{\"done\": true, \"records\": 5}", "records"),
            (b"\xff\xfe{}", "not valid JSON"),
            (
                b"{\"done\": true, \"records\": [{\"Id\": \"001000000000001AAA\"}, 17]}",
                "record 2 is not a JSON object but a number",
            ),
            (
                b"{\"done\": true, \"records\": [\"001000000000001AAA\"]}",
                "record 1 is not a JSON object but a string",
            ),
        ] {
            let e = parse_query_page(body).unwrap_err();
            assert_eq!(e.kind, ErrorKind::Protocol, "{e}");
            assert!(e.to_string().contains(needle), "{e} lacks {needle}");
        }
    }

    #[test]
    fn rest_errors() {
        let e = parse_error(
            401,
            br#"[{"message":"Session expired or invalid","errorCode":"INVALID_SESSION_ID"}]"#,
        );
        assert_eq!(e.kind, ErrorKind::Salesforce);
        assert_eq!(e.sf_code.as_deref(), Some("INVALID_SESSION_ID"));
        assert_eq!(e.http_status, Some(401));
        assert_eq!(e.message, "Session expired or invalid");

        let e = parse_error(
            403,
            br#"[{"message":"TotalRequests Limit exceeded.","errorCode":"REQUEST_LIMIT_EXCEEDED"}]"#,
        );
        assert_eq!(e.kind, ErrorKind::LimitExceeded);

        let e = parse_error(
            400,
            br#"[{"message":"Required fields are missing: [LastName]","errorCode":"REQUIRED_FIELD_MISSING","fields":["LastName"]},{"message":"x","errorCode":"Y"}]"#,
        );
        assert_eq!(
            e.message,
            "Required fields are missing: [LastName] (fields: LastName) (and 1 more errors)"
        );

        let e = parse_error(
            400,
            br#"[{"message":"bad key 00D000000000001!AQ0AQG7fake.token_x","errorCode":"X"}]"#,
        );
        assert!(!e.message.contains("AQ0AQG7fake"), "{e}");

        let e = parse_error(502, b"<html><body>502 Bad Gateway</body></html>");
        assert_eq!(e.kind, ErrorKind::Http);
        assert!(e.message.contains("HTML"), "{e}");
        assert!(e.is_transient());

        let e = parse_error(500, b"");
        assert!(e.message.contains("empty"), "{e}");

        let e = parse_error(300, br#"["/services/data/v64.0/sobjects/Account/001A","/services/data/v64.0/sobjects/Account/001B"]"#);
        assert_eq!(e.sf_code.as_deref(), Some("MULTIPLE_CHOICES"));
        assert!(e.message.contains("2 records"));

        let e = parse_error(
            400,
            br#"{"error":"invalid_grant","error_description":"authentication failure"}"#,
        );
        assert_eq!(e.kind, ErrorKind::Auth);
        assert_eq!(e.sf_code.as_deref(), Some("invalid_grant"));
    }

    #[test]
    fn oauth_token_success_and_debug_hides_tokens() {
        let body = br#"{
          "id": "https://login.salesforce.com/id/00D000000000001AAA/005000000000001AAA",
          "issued_at": "1278448832702", "instance_url": "https://acme.my.salesforce.com/",
          "signature": "0CmxinZir53Yex7nE0TD+zMpvIWYGb/bdJh6XfOH6EQ=",
          "access_token": "00D000000000001!AR8AQsecretaccesstoken", "token_type": "Bearer",
          "refresh_token": "5Aep861secretrefresh", "scope": "api id"
        }"#;
        let t = parse_oauth_token(200, body).unwrap();
        assert_eq!(t.access_token, "00D000000000001!AR8AQsecretaccesstoken");
        assert_eq!(t.instance_url, "https://acme.my.salesforce.com");
        assert_eq!(t.issued_at.as_deref(), Some("1278448832702"));
        assert_eq!(t.scope.as_deref(), Some("api id"));
        let dbg = format!("{t:?}");
        assert!(
            !dbg.contains("secretaccesstoken") && !dbg.contains("secretrefresh"),
            "{dbg}"
        );
        assert_eq!(
            org_and_user_from_id_url(t.id_url.as_deref().unwrap()),
            Some(("00D000000000001AAA".into(), "005000000000001AAA".into()))
        );
    }

    #[test]
    fn oauth_token_errors() {
        for (status, body) in [
            (
                400,
                &br#"{"error":"invalid_grant","error_description":"authentication failure"}"#[..],
            ),
            (
                400,
                br#"{"error":"invalid_client_id","error_description":"client identifier invalid"}"#,
            ),
            (
                401,
                br#"{"error":"invalid_client","error_description":"invalid client credentials"}"#,
            ),
        ] {
            let e = parse_oauth_token(status, body).unwrap_err();
            assert_eq!(e.kind, ErrorKind::Auth, "{e}");
            assert_eq!(e.http_status, Some(status));
            assert!(e.sf_code.as_deref().unwrap().starts_with("invalid_"));
        }
        let e = parse_oauth_token(400, br#"{"error":"invalid_grant"}"#).unwrap_err();
        assert_eq!(e.message, "OAuth error invalid_grant");
        let e = parse_oauth_token(503, b"<html>down</html>").unwrap_err();
        assert_eq!(e.kind, ErrorKind::Http);
        let e = parse_oauth_token(200, b"<html>login page</html>").unwrap_err();
        assert_eq!(e.kind, ErrorKind::Protocol);
        assert!(e.message.contains("HTML"), "{e}");
        let e = parse_oauth_token(200, br#"{"instance_url":"https://x"}"#).unwrap_err();
        assert!(e.message.contains("access_token"));
        let e = parse_oauth_token(
            200,
            br#"{"access_token":"a","instance_url":"javascript:x"}"#,
        )
        .unwrap_err();
        assert!(e.message.contains("instance_url"));
    }

    #[test]
    fn id_url() {
        assert_eq!(
            org_and_user_from_id_url(
                "https://login.salesforce.com/id/00D000000000001/005000000000001?oauth_token=x"
            ),
            Some(("00D000000000001".into(), "005000000000001".into()))
        );
        assert_eq!(org_and_user_from_id_url("https://x/id/00D/005"), None);
        assert_eq!(org_and_user_from_id_url("https://x/other"), None);
        assert_eq!(
            org_and_user_from_id_url("https://x/id/00D000000000001AAA/005000000000001AAA/extra"),
            None
        );
    }

    #[test]
    fn never_panics_on_mutated_input() {
        let seeds: [&[u8]; 3] = [
            br#"{"totalSize":1,"done":true,"records":[{"attributes":{"type":"A"},"Id":"1","X":{"done":true,"records":[]}}]}"#,
            br#"[{"message":"m","errorCode":"E","fields":["F"]}]"#,
            br#"{"access_token":"t","instance_url":"https://x","id":"https://l/id/00D000000000001/005000000000001"}"#,
        ];
        let mut rng = crate::test_support::Rng::new(0x9E37_79B9_7F4A_7C15);
        for seed in seeds {
            for _ in 0..2000 {
                let mut b = seed.to_vec();
                rng.mutate(&mut b, 4, &[b"{", b"}", b"\"", b"\\u", b"null"]);
                let _ = parse_query_page(&b);
                let _ = parse_error(400, &b);
                let _ = parse_oauth_token(200, &b);
                let _ = parse_oauth_token(400, &b);
                let s = String::from_utf8_lossy(&b);
                let _ = org_and_user_from_id_url(&s);
            }
        }
    }
}
