//! Injected faults of the fake, each giving its documented error; transient
//! ones retried; the body cap; TLS with a wrong CA; unreachable hosts.

mod common;

use common::Fake;
use serde_json::{json, Value};
use sfclient::ErrorKind;

const SOQL: &str = "SELECT Id, Name FROM Account";

fn query(c: &mut sfclient::Client) -> sfclient::error::Result<Value> {
    c.call("query", &json!({"soql": SOQL}))
}

fn retries(c: &mut sfclient::Client) -> u64 {
    c.call("usage", &json!({})).unwrap()["retries"]
        .as_u64()
        .unwrap()
}

#[test]
fn transient_faults_are_retried_then_succeed() {
    let fake = Fake::start(&["--generate", "accounts=10"]);
    let mut c = fake.client("soap-login");
    c.call("login", &json!({})).unwrap();
    let mut expected_retries = 0;
    for rule in [
        json!({"fault": "http503", "on": "query", "count": 1}),
        json!({"fault": "server_unavailable", "on": "query", "count": 1}),
        json!({"fault": "drop", "on": "query", "count": 1}),
        json!({"fault": "drop_mid_body", "on": "query", "count": 1}),
        json!({"fault": "http503", "on": "query", "count": 2}),
    ] {
        let n = rule["count"].as_u64().unwrap();
        fake.inject(rule.clone());
        let page = query(&mut c).unwrap_or_else(|e| panic!("{rule}: {e}"));
        assert_eq!(page["size"], 10, "{rule}");
        expected_retries += n;
        assert_eq!(retries(&mut c), expected_retries, "{rule}");
    }
}

#[test]
fn retry_after_is_honoured_and_retries_are_bounded() {
    let fake = Fake::start(&["--generate", "accounts=10"]);
    let mut c = fake.client("soap-login");
    c.call("login", &json!({})).unwrap();
    fake.inject(json!({"fault": "http503", "on": "query", "count": 1, "retry_after": 1}));
    let start = std::time::Instant::now();
    query(&mut c).unwrap();
    assert!(start.elapsed() >= std::time::Duration::from_millis(950));
    fake.inject(json!({"fault": "http503", "on": "query", "always": true}));
    let e = query(&mut c).unwrap_err();
    assert_eq!(e.http_status, Some(503));
    assert!(e.message.contains("4 attempts"), "{e}");
}

#[test]
fn permanent_faults_give_their_errors() {
    let fake = Fake::start(&["--generate", "accounts=10"]);
    let mut c = fake.client("soap-login");
    c.call("login", &json!({})).unwrap();
    for (rule, kind, code) in [
        (
            json!({"fault": "request_limit", "on": "query", "count": 1}),
            ErrorKind::LimitExceeded,
            Some("REQUEST_LIMIT_EXCEEDED"),
        ),
        (
            json!({"fault": "unknown_exception", "on": "query", "count": 1}),
            ErrorKind::Salesforce,
            Some("UNKNOWN_EXCEPTION"),
        ),
        (
            json!({"fault": "query_timeout", "on": "query", "count": 1}),
            ErrorKind::Salesforce,
            Some("QUERY_TIMEOUT"),
        ),
        (
            json!({"fault": "http500", "on": "query", "count": 1}),
            ErrorKind::Http,
            None,
        ),
        (
            json!({"fault": "doctype", "on": "query", "count": 1}),
            ErrorKind::Protocol,
            None,
        ),
        (
            json!({"fault": "entity_expansion", "on": "query", "count": 1}),
            ErrorKind::Protocol,
            None,
        ),
    ] {
        let before = retries(&mut c);
        fake.inject(rule.clone());
        let e = query(&mut c).unwrap_err();
        assert_eq!(e.kind, kind, "{rule}: {e}");
        assert_eq!(e.sf_code.as_deref(), code, "{rule}: {e}");
        assert_eq!(e.context, "query", "{rule}: {e}");
        assert_eq!(retries(&mut c), before, "{rule} must not be retried");
        // The next call is fine again.
        query(&mut c).unwrap();
    }
    fake.inject(json!({"fault": "truncate", "on": "query", "always": true}));
    let e = query(&mut c).unwrap_err();
    assert!(
        matches!(e.kind, ErrorKind::Protocol | ErrorKind::Transport),
        "{e}"
    );
    fake.inject(json!({"fault": "invalid_login", "on": "login", "count": 1}));
    let e = fake
        .client("soap-login")
        .call("login", &json!({}))
        .unwrap_err();
    assert_eq!(e.kind, ErrorKind::Auth);
    assert_eq!(e.sf_code.as_deref(), Some("INVALID_LOGIN"));
}

#[test]
fn slow_answers_time_out() {
    let fake = Fake::start(&["--generate", "accounts=10"]);
    let mut cfg = fake.config("soap-login");
    cfg["timeout_secs"] = 1.into();
    cfg["max_retries"] = 0.into();
    let mut c = common::client_from(&cfg);
    c.call("login", &json!({})).unwrap();
    fake.inject(json!({"fault": "slow", "on": "query", "count": 1, "ms": 3000}));
    let e = query(&mut c).unwrap_err();
    assert_eq!(e.kind, ErrorKind::Timeout, "{e}");
}

#[test]
fn body_cap() {
    let fake = Fake::start(&["--generate", "accounts=500"]);
    let mut cfg = fake.config("soap-login");
    cfg["max_response_bytes"] = 8192.into();
    let mut c = common::client_from(&cfg);
    c.call("login", &json!({})).unwrap();
    let e = query(&mut c).unwrap_err();
    assert_eq!(e.kind, ErrorKind::ResponseTooLarge, "{e}");
    let e = c.call("rest_query", &json!({"soql": SOQL})).unwrap_err();
    assert_eq!(e.kind, ErrorKind::ResponseTooLarge, "{e}");
}

#[test]
fn wrong_or_missing_ca_is_refused() {
    let fake = Fake::start(&[]);
    let mut cfg = fake.config("soap-login");
    cfg["ca_file"] = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/common/other-ca.pem").into();
    let e = common::client_from(&cfg)
        .call("login", &json!({}))
        .unwrap_err();
    assert_eq!(e.kind, ErrorKind::Transport, "{e}");
    assert!(e.message.contains("TLS"), "{e}");
    let mut cfg = fake.config("soap-login");
    cfg.as_object_mut().unwrap().remove("ca_file");
    let mut c = common::client_from(&cfg);
    let e = c.call("login", &json!({})).unwrap_err();
    assert_eq!(e.kind, ErrorKind::Transport, "{e}");
    assert_eq!(retries(&mut c), 0, "TLS failures are not retried");
}

#[test]
fn unreachable_host() {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let mut c = common::client_from(&json!({
        "username": "u", "password": "p",
        "login_url": format!("https://127.0.0.1:{port}/services/Soap/u/64.0")
    }));
    let e = c.call("login", &json!({})).unwrap_err();
    assert_eq!(e.kind, ErrorKind::Transport, "{e}");
    assert_eq!(e.context, "login");
}

#[test]
fn rest_and_token_faults() {
    let fake = Fake::start(&["--generate", "accounts=10"]);
    let mut c = fake.client("oauth-client-credentials");
    // A busy token endpoint is retried like any other call.
    fake.inject(json!({"fault": "http503", "on": "token", "count": 1}));
    c.call("login", &json!({})).unwrap();
    assert_eq!(retries(&mut c), 1);
    fake.inject(json!({"fault": "http503", "on": "rest_query", "count": 1}));
    let page = c.call("rest_query", &json!({"soql": SOQL})).unwrap();
    assert_eq!(page["size"], 10);
    assert_eq!(retries(&mut c), 2);
    fake.inject(json!({"fault": "request_limit", "on": "rest_query", "count": 1}));
    let e = c.call("rest_query", &json!({"soql": SOQL})).unwrap_err();
    assert_eq!(e.kind, ErrorKind::LimitExceeded, "{e}");
    assert_eq!(e.sf_code.as_deref(), Some("REQUEST_LIMIT_EXCEEDED"));
    assert_eq!(e.http_status, Some(403));
    fake.inject(json!({"fault": "unknown_exception", "on": "rest_query", "count": 1}));
    let e = c.call("rest_query", &json!({"soql": SOQL})).unwrap_err();
    assert_eq!(e.sf_code.as_deref(), Some("UNKNOWN_EXCEPTION"), "{e}");
    assert_eq!(retries(&mut c), 2);
    let e = c
        .call("rest_query", &json!({"soql": "SELECT Nope FROM Account"}))
        .unwrap_err();
    assert_eq!(e.sf_code.as_deref(), Some("INVALID_FIELD"), "{e}");
    assert_eq!(e.http_status, Some(400));
}

#[test]
fn sessions_ended_by_the_server_are_renewed() {
    let fake = Fake::start(&["--generate", "accounts=2500"]);
    let mut c = fake.client("soap-login");
    c.call("login", &json!({})).unwrap();
    fake.control(json!({"expire_sessions": true}));
    assert_eq!(query(&mut c).unwrap()["size"], 2500);
    fake.control(json!({"expire_sessions": true}));
    let r = c.call("rest_query", &json!({"soql": SOQL})).unwrap();
    assert_eq!(r["size"], 2500);
    let usage = c.call("usage", &json!({})).unwrap();
    assert_eq!(usage["logins"], 3);
    // Every session dies after 2 calls: a long paging run still completes,
    // re-logging in as needed (one re-login per failed call).
    fake.control(json!({"session_expire_after_calls": 2}));
    let all = c
        .call("query_all_pages", &json!({"soql": SOQL, "batch_size": 200}))
        .unwrap();
    assert_eq!(all["size"], 2500);
    assert_eq!(all["pages"], 13);
}
