//! Hostile and broken Salesforce responses, end to end through
//! `Client::call`: each gives an error of the right kind whose message
//! names the problem, in bounded time and memory, and never a result (so
//! nothing reaches OTRS). SOAP and REST/OAuth paths; a scripted plain-HTTP
//! server on loopback (the client allows http only to loopback), plus the
//! fake org's own hostile fault injection.

mod common;
mod hardening_support;

use common::{Fake, ScriptServer, Scripted};
use hardening_support::{Misbehaving, Misbehaviour};
use serde_json::{json, Value};
use sfclient::{Error, ErrorKind};
use std::sync::atomic::Ordering;

const ENV_OPEN: &str = r#"<?xml version="1.0" encoding="UTF-8"?><soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns="urn:partner.soap.sforce.com" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:sf="urn:sobject.partner.soap.sforce.com">"#;
const ENV_CLOSE: &str = "</soapenv:Envelope>";
const SOQL: &str = "SELECT Id, Name FROM Account";

fn login_ok(port: u16) -> Scripted {
    Scripted::ok(&format!(
        "{ENV_OPEN}<soapenv:Body><loginResponse><result>\
         <metadataServerUrl>http://127.0.0.1:{port}/services/Soap/m/64.0/00D000000000001</metadataServerUrl>\
         <passwordExpired>false</passwordExpired><sandbox>false</sandbox>\
         <serverUrl>http://127.0.0.1:{port}/services/Soap/u/64.0/00D000000000001</serverUrl>\
         <sessionId>00D000000000001!AQ0AQHostileSessionTokenValue</sessionId>\
         <userId>005000000000001AAA</userId><userInfo>\
         <organizationId>00D000000000001AAA</organizationId><userId>005000000000001AAA</userId>\
         <userName>user@example.com</userName><sessionSecondsValid>7200</sessionSecondsValid>\
         </userInfo></result></loginResponse></soapenv:Body></soapenv:Envelope>"
    ))
}

/// A queryResponse holding `records` (already rendered `<records>`).
fn query_body(records: &str, size: usize) -> String {
    format!(
        "{ENV_OPEN}<soapenv:Body><queryResponse><result><done>true</done>\
         <queryLocator xsi:nil=\"true\"/>{records}<size>{size}</size></result></queryResponse>\
         </soapenv:Body>{ENV_CLOSE}"
    )
}

fn account(id: &str, name: &str) -> String {
    format!(
        r#"<records xsi:type="sf:sObject"><sf:type>Account</sf:type><sf:Id>{id}</sf:Id><sf:Id>{id}</sf:Id><sf:Name>{name}</sf:Name></records>"#
    )
}

/// Client config for a SOAP login at `srv`, with few retries and a short
/// timeout so that every test ends quickly.
fn soap_config(srv_url: &str) -> Value {
    json!({
        "username": "user@example.com", "password": "pw", "security_token": "tok",
        "login_url": format!("{srv_url}/services/Soap/u/64.0"),
        "max_retries": 1, "timeout_secs": 5, "connect_timeout_secs": 2,
    })
}

/// Logs in normally, then answers the query with `hostile`; returns the
/// error of `query` (panics if the call succeeded) and the server.
fn soap_query_error(hostile: Scripted) -> (Error, ScriptServer) {
    let srv = ScriptServer::start_with(|p| vec![login_ok(p), hostile]);
    let mut c = common::client_from(&soap_config(&srv.url("")));
    let r = c.call("query", &json!({ "soql": SOQL }));
    match r {
        Ok(v) => panic!("a hostile response was accepted: {v}"),
        Err(e) => (e, srv),
    }
}

fn soap_query_ok(body: &str) -> Value {
    let srv = ScriptServer::start_with(|p| vec![login_ok(p), Scripted::ok(body)]);
    let mut c = common::client_from(&soap_config(&srv.url("")));
    c.call("query", &json!({ "soql": SOQL }))
        .unwrap_or_else(|e| panic!("query failed: {e}"))
}

fn raw(status: u16, content_type: &str, body: Vec<u8>) -> Scripted {
    let mut s = Scripted::status(status, "");
    s.headers = vec![("Content-Type".into(), content_type.into())];
    s.body = body;
    s
}

/// Asserts kind and that the message (lower-cased) holds one of `words`.
fn assert_error(e: &Error, kind: ErrorKind, words: &[&str]) {
    assert_eq!(e.kind, kind, "wrong kind: {e}");
    let text = e.message.to_lowercase();
    assert!(
        words.iter().any(|w| text.contains(&w.to_lowercase())),
        "message of {e} names none of {words:?}"
    );
}

// ---------------------------------------------------------------- XML

#[test]
fn doctype_with_external_entity_is_refused_and_never_fetched() {
    let srv_probe = ScriptServer::start(vec![Scripted::ok("secret from the entity")]);
    let evil = format!(
        r#"<?xml version="1.0"?><!DOCTYPE soapenv:Envelope [<!ENTITY xxe SYSTEM "{}">]>{}"#,
        srv_probe.url("/entity"),
        &query_body(&account("001000000000001AAA", "&xxe;"), 1)
            [r#"<?xml version="1.0" encoding="UTF-8"?>"#.len()..]
    );
    let (e, srv) = soap_query_error(Scripted::ok(&evil));
    assert_error(&e, ErrorKind::Protocol, &["DOCTYPE"]);
    assert_eq!(srv_probe.requests(), 0, "the external entity was fetched");
    assert_eq!(srv.requests(), 2, "a refused response must not be retried");
    assert!(!e.message.contains("secret"), "{e}");
}

#[test]
fn entity_expansion_is_refused() {
    let mut dtd = String::from(r#"<!DOCTYPE lolz [<!ENTITY lol "lol">"#);
    for i in 1..10 {
        let prev = if i == 1 {
            "&lol;".to_string()
        } else {
            format!("&lol{};", i - 1)
        };
        dtd.push_str(&format!("<!ENTITY lol{i} \"{}\">", prev.repeat(10)));
    }
    dtd.push_str("]>");
    let body = format!(
        "<?xml version=\"1.0\"?>{dtd}{}",
        &query_body(&account("001000000000001AAA", "&lol9;"), 1)[38..]
    );
    let (e, _) = soap_query_error(Scripted::ok(&body));
    assert_error(&e, ErrorKind::Protocol, &["DOCTYPE"]);
}

#[test]
fn undeclared_entity_reference_is_refused() {
    let body = query_body(&account("001000000000001AAA", "A &xxe; B"), 1);
    let (e, _) = soap_query_error(Scripted::ok(&body));
    assert_error(&e, ErrorKind::Protocol, &["entity", "xxe"]);
}

#[test]
fn truncated_xml_is_refused() {
    let full = query_body(&account("001000000000001AAA", "Acme"), 1);
    for cut in [full.len() / 3, full.len() - 20, full.len() - 1] {
        let (e, _) = soap_query_error(Scripted::ok(&full[..cut]));
        assert_error(
            &e,
            ErrorKind::Protocol,
            &[
                "truncated",
                "unexpected end",
                "unclosed",
                "not closed",
                "incomplete",
                "eof",
            ],
        );
    }
}

#[test]
fn malformed_xml_is_refused() {
    let body = query_body(
        "<records xsi:type=\"sf:sObject\"><sf:Id>001000000000001AAA</sf:Name></records>",
        1,
    );
    let (e, _) = soap_query_error(Scripted::ok(&body));
    assert_error(
        &e,
        ErrorKind::Protocol,
        &["xml", "mismatch", "expected", "close"],
    );
    let (e, _) = soap_query_error(Scripted::ok("<<<>>> not xml at all <"));
    assert_eq!(e.kind, ErrorKind::Protocol, "{e}");
}

#[test]
fn wrong_envelope_namespace_is_refused() {
    let body = query_body(&account("001000000000001AAA", "Acme"), 1).replace(
        "http://schemas.xmlsoap.org/soap/envelope/",
        "http://www.w3.org/2003/05/soap-envelope",
    );
    let (e, _) = soap_query_error(Scripted::ok(&body));
    assert_error(&e, ErrorKind::Protocol, &["envelope", "namespace", "soap"]);
}

#[test]
fn response_for_another_call_is_refused() {
    let body = query_body("", 0).replace("queryResponse", "describeGlobalResponse");
    let (e, _) = soap_query_error(Scripted::ok(&body));
    assert_error(
        &e,
        ErrorKind::Protocol,
        &["queryResponse", "describeGlobalResponse"],
    );
}

#[test]
fn soap_fault_with_unknown_fields_keeps_code_and_message() {
    let body = r#"<?xml version="1.0" encoding="UTF-8"?><soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns:sf="urn:fault.partner.soap.sforce.com" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><soapenv:Body><soapenv:Fault><faultcode>sf:MALFORMED_QUERY</faultcode><faultstring>MALFORMED_QUERY: unexpected token: FORM</faultstring><faultactor>nobody</faultactor><x:extra xmlns:x="urn:x"><x:deep><x:deeper>junk</x:deeper></x:deep></x:extra><detail><sf:MalformedQueryFault xsi:type="sf:MalformedQueryFault"><sf:exceptionCode>MALFORMED_QUERY</sf:exceptionCode><sf:exceptionMessage>unexpected token: FORM</sf:exceptionMessage><sf:row>1</sf:row><sf:column>12</sf:column><sf:newFieldNobodyKnows>?</sf:newFieldNobodyKnows></sf:MalformedQueryFault></detail></soapenv:Fault></soapenv:Body></soapenv:Envelope>"#;
    let (e, srv) = soap_query_error(Scripted::status(500, body));
    assert_eq!(e.kind, ErrorKind::Salesforce, "{e}");
    assert_eq!(e.sf_code.as_deref(), Some("MALFORMED_QUERY"), "{e}");
    assert!(e.message.contains("unexpected token: FORM"), "{e}");
    assert_eq!(e.http_status, Some(500));
    assert_eq!(srv.requests(), 2, "a fault is not retried");
}

#[test]
fn fault_without_detail_or_faultstring_is_still_an_error() {
    let body = r#"<?xml version="1.0" encoding="UTF-8"?><soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/"><soapenv:Body><soapenv:Fault><faultcode>soapenv:Server</faultcode></soapenv:Fault></soapenv:Body></soapenv:Envelope>"#;
    let (e, _) = soap_query_error(Scripted::status(500, body));
    assert!(
        matches!(
            e.kind,
            ErrorKind::Salesforce | ErrorKind::Http | ErrorKind::Protocol
        ),
        "{e}"
    );
    assert!(!e.message.is_empty());
}

#[test]
fn html_error_page_from_a_proxy_is_named_html() {
    let page = "<!DOCTYPE html><html><head><title>502 Bad Gateway</title></head><body><h1>Bad Gateway</h1><p>The proxy server received an invalid response.</p></body></html>";
    // As an error status (what proxies send) ...
    let (e, _) = soap_query_error(raw(502, "text/html", page.as_bytes().to_vec()));
    assert!(
        matches!(e.kind, ErrorKind::Http | ErrorKind::Protocol),
        "{e}"
    );
    assert_eq!(e.http_status, Some(502), "{e}");
    assert!(
        e.message.contains("HTML") || e.message.contains("502"),
        "{e}"
    );
    // ... and as a 200 (captive portals, misconfigured proxies).
    let (e, _) = soap_query_error(raw(200, "text/html", page.as_bytes().to_vec()));
    assert_error(&e, ErrorKind::Protocol, &["HTML"]);
}

#[test]
fn invalid_utf8_is_refused() {
    let mut body = query_body(&account("001000000000001AAA", "Acme"), 1).into_bytes();
    let at = body.windows(4).position(|w| w == b"Acme").expect("name");
    body[at + 1] = 0xFF;
    body[at + 2] = 0xFE;
    let (e, _) = soap_query_error(raw(200, "text/xml", body));
    assert_error(&e, ErrorKind::Protocol, &["UTF-8", "utf8"]);
}

#[test]
fn nul_bytes_are_refused() {
    let body = query_body(&account("001000000000001AAA", "Ac\0me"), 1);
    let (e, _) = soap_query_error(Scripted::ok(&body));
    assert_error(&e, ErrorKind::Protocol, &["NUL", "\\0", "zero byte"]);
}

#[test]
fn control_characters_are_refused() {
    // XML 1.0 forbids C0 controls other than tab, CR and LF, raw and as
    // character references; Salesforce never sends them. An ESC in a
    // company name would reach OTRS and terminals.
    for name in ["A\u{1}B", "A&#1;B", "A&#x1b;[31mB", "A\u{1b}[31mB"] {
        let body = query_body(&account("001000000000001AAA", name), 1);
        let (e, _) = soap_query_error(Scripted::ok(&body));
        assert_error(&e, ErrorKind::Protocol, &["control", "character"]);
    }
}

#[test]
fn tab_cr_lf_are_kept() {
    let v = soap_query_ok(&query_body(
        &account("001000000000001AAA", "A\tB&#13;\nC&#9;"),
        1,
    ));
    assert_eq!(v["records"][0]["Name"], "A\tB\r\nC\t");
}

#[test]
fn deeply_nested_elements_are_refused() {
    let depth = 100_000;
    let nest = format!("{}{}", "<sf:x>".repeat(depth), "</sf:x>".repeat(depth));
    let body = query_body(
        &format!(
            r#"<records xsi:type="sf:sObject"><sf:type>Account</sf:type><sf:Id>001000000000001AAA</sf:Id>{nest}</records>"#
        ),
        1,
    );
    let (e, _) = soap_query_error(Scripted::ok(&body));
    assert_error(&e, ErrorKind::Protocol, &["deep", "nest", "depth"]);
}

#[test]
fn a_field_of_several_megabytes_arrives_whole() {
    let big = "Ü".repeat(3 * 1024 * 1024); // 6 MiB of UTF-8
    let v = soap_query_ok(&query_body(&account("001000000000001AAA", &big), 1));
    let name = v["records"][0]["Name"].as_str().expect("Name");
    assert_eq!(name.len(), big.len());
    assert!(name == big);
}

#[test]
fn a_record_with_thousands_of_fields_arrives_whole() {
    let n = 5000;
    let fields: String = (0..n)
        .map(|i| format!("<sf:F{i}__c>v{i}</sf:F{i}__c>"))
        .collect();
    let rec = format!(
        r#"<records xsi:type="sf:sObject"><sf:type>Account</sf:type><sf:Id>001000000000001AAA</sf:Id>{fields}</records>"#
    );
    let v = soap_query_ok(&query_body(&rec, 1));
    let r = v["records"][0].as_object().expect("record");
    assert!(r.len() >= n, "only {} fields", r.len());
    assert_eq!(r["F4999__c"], "v4999");
    assert_eq!(r["F0__c"], "v0");
}

#[test]
fn many_attributes_are_refused() {
    let attrs: String = (0..5000).map(|i| format!(" a{i}=\"x\"")).collect();
    let rec = format!(
        r#"<records xsi:type="sf:sObject"{attrs}><sf:type>Account</sf:type><sf:Id>001000000000001AAA</sf:Id></records>"#
    );
    let srv = ScriptServer::start_with(|p| vec![login_ok(p), Scripted::ok(&query_body(&rec, 1))]);
    let mut c = common::client_from(&soap_config(&srv.url("")));
    // Refusing is the documented behaviour; if ever accepted, the record
    // must still be decoded correctly.
    match c.call("query", &json!({ "soql": SOQL })) {
        Err(e) => assert_error(&e, ErrorKind::Protocol, &["attribute"]),
        Ok(v) => assert_eq!(v["records"][0]["Id"], "001000000000001AAA"),
    }
}

// ------------------------------------------------- size and time caps

#[test]
fn body_over_max_response_bytes_is_refused() {
    let rec = account("001000000000001AAA", &"x".repeat(300_000));
    let srv = ScriptServer::start_with(|p| vec![login_ok(p), Scripted::ok(&query_body(&rec, 1))]);
    let mut cfg = soap_config(&srv.url(""));
    cfg["max_response_bytes"] = json!(100_000);
    let mut c = common::client_from(&cfg);
    let e = c.call("query", &json!({ "soql": SOQL })).unwrap_err();
    assert_error(&e, ErrorKind::ResponseTooLarge, &["max_response_bytes"]);
    assert!(e.message.contains("100000"), "{e}");
}

#[test]
fn endless_stream_stops_at_the_cap() {
    // Login is served by the script server; the data calls go to a server
    // that streams without end (serverUrl points there).
    let endless = Misbehaving::start(Misbehaviour::EndlessStream);
    let endless_port = endless.port;
    let srv = ScriptServer::start(vec![login_ok(endless_port)]);
    let mut cfg = soap_config(&srv.url(""));
    cfg["max_response_bytes"] = json!(2 * 1024 * 1024);
    cfg["max_retries"] = json!(0);
    let mut c = common::client_from(&cfg);
    let e = c.call("query", &json!({ "soql": SOQL })).unwrap_err();
    assert_error(&e, ErrorKind::ResponseTooLarge, &["max_response_bytes"]);
}

#[test]
fn gzip_bomb_stops_at_the_cap() {
    use std::io::Write;
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    let zeros = vec![b' '; 1 << 20];
    for _ in 0..64 {
        enc.write_all(&zeros).unwrap(); // 64 MiB of spaces -> ~64 KiB
    }
    let bomb = enc.finish().unwrap();
    let hostile = raw(200, "text/xml", bomb).header("Content-Encoding", "gzip");
    let srv = ScriptServer::start_with(|p| vec![login_ok(p), hostile]);
    let mut cfg = soap_config(&srv.url(""));
    cfg["max_response_bytes"] = json!(1024 * 1024);
    let mut c = common::client_from(&cfg);
    let e = c.call("query", &json!({ "soql": SOQL })).unwrap_err();
    assert_error(&e, ErrorKind::ResponseTooLarge, &["max_response_bytes"]);
}

#[test]
fn a_server_that_sends_slowly_forever_times_out() {
    let slow = Misbehaving::start(Misbehaviour::DripForever);
    let srv = ScriptServer::start(vec![login_ok(slow.port)]);
    let mut cfg = soap_config(&srv.url(""));
    cfg["timeout_secs"] = json!(2);
    cfg["max_retries"] = json!(0);
    let mut c = common::client_from(&cfg);
    let e = c.call("query", &json!({ "soql": SOQL })).unwrap_err();
    assert_error(&e, ErrorKind::Timeout, &["time"]);
    assert_eq!(slow.connections.load(Ordering::SeqCst), 1);
}

#[test]
fn a_server_that_never_answers_times_out() {
    let silent = Misbehaving::start(Misbehaviour::Silent);
    let mut c = common::client_from(&json!({
        "username": "u", "password": "p",
        "login_url": silent.url("/services/Soap/u/64.0"),
        "timeout_secs": 2, "max_retries": 0,
    }));
    let e = c.call("login", &json!({})).unwrap_err();
    assert_error(&e, ErrorKind::Timeout, &["time"]);
}

// ----------------------------------------------------- REST and OAuth

fn rest_client(srv: &ScriptServer) -> sfclient::Client {
    common::client_from(&json!({
        "auth_flow": "access-token",
        "access_token": "00D000000000001!AQ0AQHostileAccessToken",
        "instance_url": srv.url(""),
        "max_retries": 1, "timeout_secs": 5,
    }))
}

fn rest_error(hostile: Scripted) -> Error {
    let srv = ScriptServer::start(vec![hostile]);
    let mut c = rest_client(&srv);
    match c.call("rest_query", &json!({ "soql": SOQL })) {
        Ok(v) => panic!("a hostile REST response was accepted: {v}"),
        Err(e) => e,
    }
}

fn json_body(status: u16, body: &str) -> Scripted {
    raw(
        status,
        "application/json;charset=UTF-8",
        body.as_bytes().to_vec(),
    )
}

#[test]
fn rest_truncated_and_malformed_json_is_refused() {
    let full = r#"{"totalSize":1,"done":true,"records":[{"attributes":{"type":"Account","url":"/x"},"Id":"001000000000001AAA","Name":"Acme"}]}"#;
    for body in [
        &full[..full.len() / 2],
        &full[..full.len() - 1],
        "{\"done\": tru}",
        "",
    ] {
        let e = rest_error(json_body(200, body));
        assert_error(&e, ErrorKind::Protocol, &["JSON", "empty"]);
    }
}

#[test]
fn rest_wrong_shape_is_refused() {
    for body in [
        r#"{"totalSize":1,"done":true,"records":"nope"}"#,
        r#"{"totalSize":1,"done":"maybe","records":[]}"#,
        r#"[1,2,3]"#,
    ] {
        let e = rest_error(json_body(200, body));
        assert_eq!(e.kind, ErrorKind::Protocol, "{body}: {e}");
        assert!(!e.message.is_empty());
    }
}

#[test]
fn rest_records_that_are_not_objects_are_refused() {
    // A record must be a JSON object; `[17]` or `["x"]` would reach the
    // planner as something that is not a record.
    for body in [
        r#"{"totalSize":1,"done":true,"records":[17]}"#,
        r#"{"totalSize":1,"done":true,"records":["001000000000001AAA"]}"#,
    ] {
        let e = rest_error(json_body(200, body));
        assert_error(&e, ErrorKind::Protocol, &["record"]);
    }
}

#[test]
fn rest_deeply_nested_json_is_refused() {
    let depth = 100_000;
    let body = format!(
        r#"{{"totalSize":1,"done":true,"records":[{{"Id":"001000000000001AAA","X":{}1{}}}]}}"#,
        "[".repeat(depth),
        "]".repeat(depth)
    );
    let e = rest_error(json_body(200, &body));
    assert_error(
        &e,
        ErrorKind::Protocol,
        &["recursion", "deep", "nest", "depth"],
    );
}

#[test]
fn rest_invalid_utf8_and_nul_are_refused() {
    let mut body =
        br#"{"totalSize":1,"done":true,"records":[{"Id":"001000000000001AAA","Name":"Ac"#.to_vec();
    body.extend_from_slice(&[0xFF, 0xFE]);
    body.extend_from_slice(br#"me"}]}"#);
    let e = rest_error(raw(200, "application/json", body));
    assert_error(&e, ErrorKind::Protocol, &["UTF-8", "utf8", "JSON"]);
    // A raw NUL inside a JSON string is a control character: invalid JSON.
    let body = "{\"totalSize\":1,\"done\":true,\"records\":[{\"Id\":\"001000000000001AAA\",\"Name\":\"A\0B\"}]}";
    let e = rest_error(json_body(200, body));
    assert_error(&e, ErrorKind::Protocol, &["control", "JSON"]);
}

#[test]
fn rest_html_page_is_named_html() {
    let page = "<html><body><h1>503 Service Unavailable</h1>Squid</body></html>";
    let e = rest_error(raw(200, "text/html", page.as_bytes().to_vec()));
    assert_error(&e, ErrorKind::Protocol, &["HTML", "not JSON"]);
    let e = rest_error(raw(502, "text/html", page.as_bytes().to_vec()));
    assert!(
        matches!(e.kind, ErrorKind::Http | ErrorKind::Protocol),
        "{e}"
    );
    assert_eq!(e.http_status, Some(502));
}

#[test]
fn rest_error_with_unknown_fields_keeps_code() {
    let body = r#"[{"message":"No such column 'Nope'","errorCode":"INVALID_FIELD","fields":["Nope"],"extra":{"deep":[1,2,{"x":null}]}}]"#;
    let e = rest_error(json_body(400, body));
    assert_eq!(e.kind, ErrorKind::Salesforce, "{e}");
    assert_eq!(e.sf_code.as_deref(), Some("INVALID_FIELD"));
    assert!(e.message.contains("No such column"), "{e}");
}

#[test]
fn rest_body_over_the_cap_is_refused() {
    let big = format!(
        r#"{{"totalSize":1,"done":true,"records":[{{"Id":"001000000000001AAA","Name":"{}"}}]}}"#,
        "x".repeat(300_000)
    );
    let srv = ScriptServer::start(vec![json_body(200, &big)]);
    let mut c = common::client_from(&json!({
        "auth_flow": "access-token", "access_token": "00D000000000001!AQ0AQHostileAccessToken",
        "instance_url": srv.url(""), "max_response_bytes": 100_000,
    }));
    let e = c.call("rest_query", &json!({ "soql": SOQL })).unwrap_err();
    assert_error(&e, ErrorKind::ResponseTooLarge, &["max_response_bytes"]);
}

fn oauth_error(hostile: Scripted) -> Error {
    let srv = ScriptServer::start(vec![hostile]);
    let mut c = common::client_from(&json!({
        "auth_flow": "oauth-client-credentials",
        "login_host": srv.url(""),
        "client_id": "cid", "client_secret": "Hostile-Client-Secret-4711",
        "max_retries": 1, "timeout_secs": 5,
    }));
    match c.call("login", &json!({})) {
        Ok(v) => panic!("a hostile token response was accepted: {v}"),
        Err(e) => {
            assert!(!format!("{e} {e:?}").contains("Hostile-Client-Secret-4711"));
            e
        }
    }
}

#[test]
fn oauth_hostile_token_responses() {
    let e = oauth_error(json_body(
        200,
        r#"{"access_token":"00Dx!abc","instance_url":"#,
    ));
    assert_error(&e, ErrorKind::Protocol, &["JSON"]);
    let e = oauth_error(json_body(
        200,
        r#"{"instance_url":"http://127.0.0.1:1","token_type":"Bearer"}"#,
    ));
    assert_error(&e, ErrorKind::Protocol, &["access_token"]);
    let e = oauth_error(json_body(200, r#"{"access_token":"00Dx!abc"}"#));
    assert_error(&e, ErrorKind::Protocol, &["instance_url"]);
    let e = oauth_error(raw(
        200,
        "text/html",
        b"<html><body>Login portal</body></html>".to_vec(),
    ));
    assert_error(&e, ErrorKind::Protocol, &["HTML", "not JSON"]);
    let e = oauth_error(json_body(
        400,
        r#"{"error":"invalid_client","error_description":"invalid client credentials","nonsense":[{"a":1}]}"#,
    ));
    assert_eq!(e.kind, ErrorKind::Auth, "{e}");
    assert_eq!(e.sf_code.as_deref(), Some("invalid_client"));
    let deep = format!("{}{}", "[".repeat(50_000), "]".repeat(50_000));
    let e = oauth_error(json_body(200, &deep));
    assert_eq!(e.kind, ErrorKind::Protocol, "{e}");
    let mut bad = br#"{"access_token":"00Dx!ab"#.to_vec();
    bad.push(0xC0);
    bad.extend_from_slice(br#"","instance_url":"http://127.0.0.1:1"}"#);
    let e = oauth_error(raw(200, "application/json", bad));
    assert_eq!(e.kind, ErrorKind::Protocol, "{e}");
}

// ------------------------------------ the fake org's hostile faults

#[test]
fn fake_hostile_faults_name_the_problem_and_give_no_plan() {
    let fake = Fake::start(&["--generate", "accounts=5"]);
    let mut c = fake.client("soap-login");
    c.call("login", &json!({})).unwrap();
    for fault in ["doctype", "entity_expansion"] {
        fake.inject(json!({"fault": fault, "on": "query", "count": 1}));
        let e = c.call("query", &json!({ "soql": SOQL })).unwrap_err();
        assert_error(&e, ErrorKind::Protocol, &["DOCTYPE"]);
        // The whole sync: a hostile page is an error, never a plan.
        fake.inject(json!({"fault": fault, "on": "query", "count": 1}));
        let r = c.call(
            "sync_plan",
            &json!({"kind": "companies", "settings": {"delete_old": "001*"},
                    "otrs": {"companies": [{"CustomerID": "001000000000009AAA",
                             "CustomerCompanyName": "Old", "ValidID": 1}]}}),
        );
        let e = r.expect_err("sync_plan over a hostile response gave a plan");
        assert_eq!(e.kind, ErrorKind::Protocol, "{e}");
    }
    // And afterwards everything works again.
    let v = c.call("query", &json!({ "soql": SOQL })).unwrap();
    assert_eq!(v["size"], 5);
}
