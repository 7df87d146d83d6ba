//! Fault injection through flags and the control endpoint, stats, data changes.

mod common;
use common::*;
use serde_json::json;

fn more(loc: &str) -> String {
    format!("<urn:queryMore><urn:queryLocator>{loc}</urn:queryLocator></urn:queryMore>")
}

#[test]
fn scripted_http_faults_on_query_pages() {
    let f = start(&["--tls", "--generate", "accounts=4500,owners=2"]);
    let (sid, url) = f.login();
    f.control(json!({"fault": "http503", "on": "queryMore", "count": 1, "retry_after": 2}));
    let (_, b) = f.soap(
        &url,
        &call(&sid, None, &query_body("SELECT Id FROM Account")),
    );
    let loc = between(&b, "<queryLocator>", "</queryLocator>");
    let r = f
        .http
        .post(&url)
        .body(call(&sid, None, &more(&loc)))
        .send()
        .unwrap();
    assert_eq!(r.status().as_u16(), 503);
    assert_eq!(r.headers().get("retry-after").unwrap(), "2");
    // the retry with the same locator works
    let (st, b) = f.soap(&url, &call(&sid, None, &more(&loc)));
    assert_eq!(st, 200, "{b}");
    let loc2 = between(&b, "<queryLocator>", "</queryLocator>");
    // page 3 of a query fails once with a plain 500
    f.control(json!({"fault": "http500", "on": "queryMore", "page": 3}));
    let (st, b) = f.soap(&url, &call(&sid, None, &more(&loc2)));
    assert_eq!(st, 500);
    assert!(b.contains("Internal Server Error"));
    let (st, _) = f.soap(&url, &call(&sid, None, &more(&loc2)));
    assert_eq!(st, 200);
    let s = f.stats();
    assert_eq!(s["faults"]["http503"], 1);
    assert_eq!(s["faults"]["http500"], 1);
    assert_eq!(s["calls"]["queryMore"], 4);
    assert_eq!(s["calls"]["query"], 1);
}

#[test]
fn nth_call_soap_faults_and_session_expiry() {
    let f = start(&[
        "--generate",
        "accounts=10,owners=2",
        "--fault",
        r#"{"fault":"unknown_exception","on":"query","nth":2}"#,
    ]);
    let (sid, url) = f.login();
    let q = || {
        f.soap(
            &url,
            &call(&sid, None, &query_body("SELECT Id FROM Account")),
        )
    };
    assert_eq!(q().0, 200);
    let (st, b) = q();
    assert_eq!(st, 500);
    assert!(
        b.contains("<faultcode>sf:UNKNOWN_EXCEPTION</faultcode>") && b.contains("ErrorId"),
        "{b}"
    );
    assert_eq!(q().0, 200);

    f.control(json!({"fault": "request_limit", "on": "any", "message": "ConcurrentPerOrgLongTxn Limit exceeded."}));
    let (st, b) = q();
    assert_eq!(st, 500);
    assert!(
        b.contains("REQUEST_LIMIT_EXCEEDED: ConcurrentPerOrgLongTxn Limit exceeded."),
        "{b}"
    );

    f.control(json!({"fault": "invalid_session", "on": "query"}));
    let (_, b) = q();
    assert!(b.contains("sf:INVALID_SESSION_ID"));
    // the session is really gone
    let (_, b) = q();
    assert!(b.contains("sf:INVALID_SESSION_ID"));

    f.control(json!({"session_expire_after_calls": 2}));
    let (sid, url) = f.login();
    let q = || {
        f.soap(
            &url,
            &call(&sid, None, &query_body("SELECT Id FROM Account")),
        )
    };
    assert_eq!(q().0, 200);
    assert_eq!(q().0, 200);
    let (st, b) = q();
    assert_eq!(st, 500);
    assert!(b.contains("INVALID_SESSION_ID"));
    f.control(json!({"session_expire_after_calls": null}));

    // daily limit
    let (sid, url) = f.login();
    let usage = f.stats()["api_usage"].as_u64().unwrap();
    f.control(json!({"api_limit": usage + 1}));
    assert_eq!(
        f.soap(
            &url,
            &call(&sid, None, &query_body("SELECT Id FROM Account"))
        )
        .0,
        200
    );
    let (_, b) = f.soap(
        &url,
        &call(&sid, None, &query_body("SELECT Id FROM Account")),
    );
    assert!(
        b.contains("REQUEST_LIMIT_EXCEEDED: TotalRequests Limit exceeded."),
        "{b}"
    );
}

#[test]
fn locator_faults() {
    let f = start(&["--generate", "accounts=450,owners=1"]);
    let (sid, url) = f.login();
    let (_, b) = f.soap(
        &url,
        &call(&sid, Some(200), &query_body("SELECT Id FROM Account")),
    );
    let loc = between(&b, "<queryLocator>", "</queryLocator>");
    f.control(json!({"fault": "invalid_locator", "on": "queryMore"}));
    let (st, b) = f.soap(&url, &call(&sid, None, &more(&loc)));
    assert_eq!(st, 500);
    assert!(
        b.contains("INVALID_QUERY_LOCATOR: invalid query locator")
            && b.contains("InvalidQueryLocatorFault")
    );
    assert_eq!(f.soap(&url, &call(&sid, None, &more(&loc))).0, 200);
    // expire all cursors
    let (_, b) = f.soap(
        &url,
        &call(&sid, Some(200), &query_body("SELECT Id FROM Account")),
    );
    let loc = between(&b, "<queryLocator>", "</queryLocator>");
    f.control(json!({"invalidate_locators": true}));
    let (st, _) = f.soap(&url, &call(&sid, None, &more(&loc)));
    assert_eq!(st, 500);
}

#[test]
fn broken_transport_faults() {
    let f = start(&["--generate", "accounts=300,owners=1"]);
    let (sid, url) = f.login();
    let body = call(&sid, None, &query_body("SELECT Id, Name FROM Account"));
    f.control(json!({"fault": "truncate", "on": "query"}));
    let (st, b) = f.soap(&url, &body);
    assert_eq!(st, 200);
    assert!(!b.ends_with("</soapenv:Envelope>"), "truncated body");
    f.control(json!({"fault": "drop_mid_body", "on": "query"}));
    let r = f
        .http
        .post(&url)
        .body(body.clone())
        .send()
        .and_then(|r| r.text());
    assert!(r.is_err(), "the body must not arrive whole");
    f.control(json!({"fault": "drop", "on": "query"}));
    assert!(f.http.post(&url).body(body.clone()).send().is_err());
    f.control(json!({"fault": "doctype", "on": "query"}));
    assert!(f.soap(&url, &body).1.contains("<!DOCTYPE"));
    f.control(json!({"fault": "entity_expansion", "on": "query"}));
    assert!(f.soap(&url, &body).1.contains("<!ENTITY lol9"));
    f.control(json!({"fault": "slow", "on": "query", "ms": 1}));
    let (st, b) = f.soap(&url, &body);
    assert_eq!(st, 200);
    assert!(b.ends_with("</soapenv:Envelope>"));
    // all used up: normal again
    assert!(f.soap(&url, &body).1.ends_with("</soapenv:Envelope>"));
    assert_eq!(f.stats()["pending_faults"].as_array().unwrap().len(), 0);
}

#[test]
fn control_validation_and_data_changes() {
    let f = start(&["--generate", "accounts=5,owners=1"]);
    let r = f
        .http
        .post(f.s("control_url"))
        .json(&json!({"latncy_ms": 5}))
        .send()
        .unwrap();
    assert_eq!(r.status().as_u16(), 400);
    assert!(r
        .text()
        .unwrap()
        .contains("unknown control key 'latncy_ms'"));
    let r = f
        .http
        .post(f.s("control_url"))
        .json(&json!({"fault": "http504"}))
        .send()
        .unwrap();
    assert!(r.text().unwrap().contains("unknown fault 'http504'"));

    let (sid, url) = f.login();
    let count = || {
        between(
            &f.soap(
                &url,
                &call(&sid, None, &query_body("SELECT COUNT() FROM Account")),
            )
            .1,
            "<size>",
            "</size>",
        )
    };
    assert_eq!(count(), "5");
    let r: serde_json::Value = f
        .http
        .post(f.s("data_url"))
        .json(
            &json!({"create": [{"type": "Account", "Name": "Soak 1", "OwnerId": f.s("user_id")}]}),
        )
        .send()
        .unwrap()
        .json()
        .unwrap();
    let id = r["created"][0].as_str().unwrap().to_string();
    assert_eq!(count(), "6");
    let r = f
        .http
        .post(f.s("data_url"))
        .json(&json!({"update": [{"Id": id, "Name": "Soak 1b"}]}))
        .send()
        .unwrap();
    assert_eq!(r.status().as_u16(), 200);
    let (_, b) = f.soap(
        &url,
        &call(
            &sid,
            None,
            &query_body(&format!("SELECT Name FROM Account WHERE Id = '{id}'")),
        ),
    );
    assert!(b.contains("<sf:Name>Soak 1b</sf:Name>"));
    f.http
        .post(f.s("data_url"))
        .json(&json!({"delete": [id]}))
        .send()
        .unwrap();
    assert_eq!(count(), "5");
    let r = f
        .http
        .post(f.s("data_url"))
        .json(&json!({"create": [{"type": "Account", "Nme": "x"}]}))
        .send()
        .unwrap();
    assert_eq!(r.status().as_u16(), 400);
    assert!(r.text().unwrap().contains("Nme"));
}
