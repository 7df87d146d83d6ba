//! Transport behaviour against a scripted loopback HTTP server: headers,
//! retries of transient failures (and none for permanent ones),
//! Retry-After, the response size cap, timeouts, refused connections.

mod common;

use common::{ScriptServer, Scripted};
use serde_json::json;
use sfclient::config::Config;
use sfclient::transport::{Purpose, Request, Transport};
use sfclient::ErrorKind;
use std::time::{Duration, Instant};

fn transport(extra: serde_json::Value) -> Transport {
    let mut cfg =
        json!({"username": "u", "password": "p", "timeout_secs": 3, "connect_timeout_secs": 2});
    for (k, v) in extra.as_object().unwrap() {
        cfg[k] = v.clone();
    }
    let cfg = Config::from_value(&cfg).unwrap();
    let mut t = Transport::new(&cfg).unwrap();
    t.backoff_base = Duration::from_millis(10);
    t
}

/// Sends a SOAP request; the interpreter maps non-200 to an Http error
/// (like the codec does) and returns the body text.
fn send(t: &mut Transport, url: &str, idempotent: bool) -> sfclient::error::Result<String> {
    let req = Request::soap(url, b"<x/>".to_vec(), Purpose::Api, idempotent);
    t.send(&req, "test call", |resp| {
        if resp.status == 200 {
            Ok(String::from_utf8_lossy(&resp.body).to_string())
        } else {
            Err(sfclient::Error::new(ErrorKind::Http, "unexpected status").with_status(resp.status))
        }
    })
}

#[test]
fn soap_headers_are_sent() {
    let srv = ScriptServer::start(vec![Scripted::ok("fine")]);
    let mut t = transport(json!({}));
    assert_eq!(send(&mut t, &srv.url("/s"), true).unwrap(), "fine");
    let head = srv.heads.lock().unwrap()[0].to_ascii_lowercase();
    assert!(head.starts_with("post /s http/1.1"), "{head}");
    assert!(
        head.contains("content-type: text/xml; charset=utf-8"),
        "{head}"
    );
    assert!(head.contains("soapaction: \"\""), "{head}");
    assert!(head.contains("accept-encoding: gzip"), "{head}");
    assert_eq!(t.usage().api_calls, 1);
    assert_eq!(t.usage().retries, 0);
}

#[test]
fn transient_503_is_retried_then_succeeds() {
    let srv = ScriptServer::start(vec![Scripted::status(503, "busy"), Scripted::ok("done")]);
    let mut t = transport(json!({}));
    assert_eq!(send(&mut t, &srv.url("/"), true).unwrap(), "done");
    assert_eq!(srv.requests(), 2);
    assert_eq!(t.usage().retries, 1);
    assert_eq!(t.usage().api_calls, 2);
}

#[test]
fn retry_after_is_honoured() {
    let srv = ScriptServer::start(vec![
        Scripted::status(503, "busy").header("Retry-After", "1"),
        Scripted::ok("done"),
    ]);
    let mut t = transport(json!({}));
    let start = Instant::now();
    assert_eq!(send(&mut t, &srv.url("/"), true).unwrap(), "done");
    // The backoff base is 10 ms: only Retry-After explains a wait of ~1 s.
    assert!(
        start.elapsed() >= Duration::from_millis(950),
        "{:?}",
        start.elapsed()
    );
}

#[test]
fn retries_are_bounded() {
    let srv = ScriptServer::start(vec![Scripted::status(503, "busy")]);
    let mut t = transport(json!({"max_retries": 2}));
    let e = send(&mut t, &srv.url("/"), true).unwrap_err();
    assert_eq!(e.kind, ErrorKind::Http);
    assert_eq!(e.http_status, Some(503));
    assert_eq!(e.context, "test call");
    assert!(e.message.contains("3 attempts"), "{e}");
    assert_eq!(srv.requests(), 3);
    assert_eq!(t.usage().retries, 2);
}

#[test]
fn permanent_failures_are_not_retried() {
    let srv = ScriptServer::start(vec![Scripted::status(500, "no"), Scripted::ok("never")]);
    let mut t = transport(json!({}));
    let e = send(&mut t, &srv.url("/"), true).unwrap_err();
    assert_eq!(e.http_status, Some(500));
    assert_eq!(srv.requests(), 1);
    // A gateway error on a write may hide a carried-out request: not retried.
    let srv = ScriptServer::start(vec![Scripted::status(502, "gw"), Scripted::ok("never")]);
    let e = send(&mut t, &srv.url("/"), false).unwrap_err();
    assert_eq!(e.http_status, Some(502));
    assert_eq!(srv.requests(), 1);
    // ... but on a read it is.
    let srv = ScriptServer::start(vec![Scripted::status(502, "gw"), Scripted::ok("ok")]);
    assert_eq!(send(&mut t, &srv.url("/"), true).unwrap(), "ok");
}

#[test]
fn body_cap_refuses_large_responses() {
    let big = "x".repeat(5000);
    let srv = ScriptServer::start(vec![Scripted::ok(&big)]);
    let mut t = transport(json!({"max_response_bytes": 4096}));
    let e = send(&mut t, &srv.url("/"), true).unwrap_err();
    assert_eq!(e.kind, ErrorKind::ResponseTooLarge);
    assert!(e.message.contains("4096"), "{e}");
    assert_eq!(srv.requests(), 1, "a too-large body is not retried");
    let srv = ScriptServer::start(vec![Scripted::ok(&"y".repeat(4096))]);
    assert_eq!(send(&mut t, &srv.url("/"), true).unwrap().len(), 4096);
}

#[test]
fn timeouts_are_timeout_errors_and_retried_for_reads() {
    let mut slow = Scripted::ok("late");
    slow.delay = Duration::from_secs(3);
    let srv = ScriptServer::start(vec![slow, Scripted::ok("quick")]);
    let mut t = transport(json!({"timeout_secs": 1}));
    assert_eq!(send(&mut t, &srv.url("/"), true).unwrap(), "quick");
    assert_eq!(t.usage().retries, 1);
    let mut slow = Scripted::ok("late");
    slow.delay = Duration::from_secs(3);
    let srv = ScriptServer::start(vec![slow]);
    let e = send(&mut t, &srv.url("/"), false).unwrap_err();
    assert_eq!(e.kind, ErrorKind::Timeout, "{e}");
    assert_eq!(srv.requests(), 1, "a write that timed out is not repeated");
}

#[test]
fn connection_reset_mid_run_is_retried() {
    let mut gone = Scripted::ok("");
    gone.hang_up = true;
    let srv = ScriptServer::start(vec![Scripted::ok("first"), gone, Scripted::ok("third")]);
    let mut t = transport(json!({}));
    assert_eq!(send(&mut t, &srv.url("/"), true).unwrap(), "first");
    assert_eq!(send(&mut t, &srv.url("/"), true).unwrap(), "third");
    assert_eq!(t.usage().retries, 1);
}

#[test]
fn refused_connection_at_start_fails_fast() {
    // Bind and drop a listener: nothing listens on that port now.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let mut t = transport(json!({}));
    let e = send(&mut t, &format!("http://127.0.0.1:{port}/"), true).unwrap_err();
    assert_eq!(e.kind, ErrorKind::Transport, "{e}");
    assert!(e.message.contains("cannot connect"), "{e}");
    assert_eq!(t.usage().retries, 0);
}

#[test]
fn limit_info_header_is_kept() {
    let srv = ScriptServer::start(vec![
        Scripted::ok("{}").header("Sforce-Limit-Info", "api-usage=18/5000")
    ]);
    let mut t = transport(json!({}));
    send(&mut t, &srv.url("/"), true).unwrap();
    let li = t.limit_info().cloned().expect("limit info");
    assert_eq!((li.current, li.limit), (18, 5000));
}

fn gzip(data: &[u8]) -> Vec<u8> {
    use std::io::Write;
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    enc.write_all(data).unwrap();
    enc.finish().unwrap()
}

#[test]
fn gzip_bodies_are_decoded_and_capped_after_decoding() {
    let mut small = Scripted::ok("");
    small.body = gzip(b"<ok>compressed</ok>");
    small
        .headers
        .push(("Content-Encoding".into(), "gzip".into()));
    // 1 MiB of zeros is about 1 KiB compressed: the cap must see 1 MiB.
    let mut bomb = Scripted::ok("");
    bomb.body = gzip(&vec![b'0'; 1 << 20]);
    assert!(bomb.body.len() < 8192);
    bomb.headers
        .push(("Content-Encoding".into(), "gzip".into()));
    let srv = ScriptServer::start(vec![small, bomb]);
    let mut t = transport(json!({"max_response_bytes": 65536}));
    assert_eq!(
        send(&mut t, &srv.url("/"), true).unwrap(),
        "<ok>compressed</ok>"
    );
    let e = send(&mut t, &srv.url("/"), true).unwrap_err();
    assert_eq!(e.kind, ErrorKind::ResponseTooLarge, "{e}");
}
