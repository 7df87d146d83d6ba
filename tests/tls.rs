//! TLS refusals: a certificate from an unknown CA, for another host name,
//! expired, or self-signed is refused with a TRANSPORT error that speaks of
//! the certificate, never with a silent fallback to no verification (the
//! server never sees a request). The same server with a good certificate
//! is accepted, so each refusal is about the certificate alone. Against the
//! fake org: its own CA must be configured, an unrelated CA is refused.
//! (HTTPS through a CONNECT proxy, with and without credentials, is in
//! tests/proxy.rs.)

mod common;
mod hardening_support;

use common::Fake;
use hardening_support::{CertProblem, TlsServer};
use serde_json::json;
use sfclient::ErrorKind;
use std::sync::atomic::Ordering;

/// A login response whose URLs point back at `port` (https).
fn login_body(host: &str, port: u16) -> String {
    format!(
        r#"<?xml version="1.0" encoding="UTF-8"?><soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns="urn:partner.soap.sforce.com" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><soapenv:Body><loginResponse><result><metadataServerUrl>https://{host}:{port}/services/Soap/m/64.0/00D000000000001</metadataServerUrl><passwordExpired>false</passwordExpired><sandbox>false</sandbox><serverUrl>https://{host}:{port}/services/Soap/u/64.0/00D000000000001</serverUrl><sessionId>00D000000000001!AQ0AQTlsTestSessionValue</sessionId><userId>005000000000001AAA</userId><userInfo><organizationId>00D000000000001AAA</organizationId><userId>005000000000001AAA</userId><userName>user@example.com</userName><sessionSecondsValid>7200</sessionSecondsValid></userInfo></result></loginResponse></soapenv:Body></soapenv:Envelope>"#
    )
}

struct Setup {
    server: TlsServer,
    dir: std::path::PathBuf,
}

impl Drop for Setup {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// Starts a TLS server with `problem`; its login response's URLs use
/// `host`.
fn setup(problem: CertProblem, host: &str) -> Setup {
    let host = host.to_string();
    let server = TlsServer::start(problem, move |port| login_body(&host, port));
    let dir = std::env::temp_dir().join(format!(
        "sfclient-tls-{}-{}",
        std::process::id(),
        server.port
    ));
    std::fs::create_dir_all(&dir).expect("temp dir");
    Setup { server, dir }
}

fn login(s: &Setup, host: &str, with_ca: bool) -> sfclient::error::Result<serde_json::Value> {
    let mut cfg = json!({
        "username": "user@example.com", "password": "pw", "security_token": "tok",
        "login_url": s.server.url(host, "/services/Soap/u/64.0"),
        "connect_timeout_secs": 5, "timeout_secs": 10,
    });
    if with_ca {
        cfg["ca_file"] = s.server.ca_file(&s.dir).into();
    }
    let mut c = common::client_from(&cfg);
    let r = c.call("login", &json!({}));
    if r.is_err() {
        let usage = c.call("usage", &json!({})).expect("usage");
        assert_eq!(usage["retries"], 0, "certificate failures are not retried");
    }
    r
}

fn assert_refused(s: &Setup, e: &sfclient::Error, words: &[&str]) {
    assert_eq!(e.kind, ErrorKind::Transport, "{e}");
    let text = e.message.to_lowercase();
    assert!(
        text.contains("certificate"),
        "message does not speak of the certificate: {e}"
    );
    assert!(
        words.iter().any(|w| text.contains(&w.to_lowercase())),
        "message names none of {words:?}: {e}"
    );
    assert_eq!(
        s.server.requests.load(Ordering::SeqCst),
        0,
        "a request went through despite the bad certificate"
    );
    assert_eq!(s.server.handshakes.load(Ordering::SeqCst), 0);
}

#[test]
fn good_certificate_is_accepted() {
    let s = setup(CertProblem::None, "127.0.0.1");
    let v = login(&s, "127.0.0.1", true).expect("login over good TLS");
    assert_eq!(v["user_id"], "005000000000001AAA");
    assert_eq!(s.server.requests.load(Ordering::SeqCst), 1);
    // localhost is in the certificate too.
    let s = setup(CertProblem::None, "localhost");
    login(&s, "localhost", true).expect("login over good TLS via localhost");
}

#[test]
fn certificate_from_an_unknown_ca_is_refused() {
    let s = setup(CertProblem::UnknownCa, "127.0.0.1");
    let e = login(&s, "127.0.0.1", true).unwrap_err();
    assert_refused(&s, &e, &["unknown", "issuer", "not trusted", "ca_file"]);
    // Without any ca_file (system roots only) it is refused as well.
    let e = login(&s, "127.0.0.1", false).unwrap_err();
    assert_refused(&s, &e, &["unknown", "issuer", "not trusted"]);
}

#[test]
fn certificate_for_another_host_is_refused() {
    let s = setup(CertProblem::WrongHost, "127.0.0.1");
    let e = login(&s, "127.0.0.1", true).unwrap_err();
    assert_refused(&s, &e, &["not valid for", "name", "host", "mismatch"]);
    let e = login(&s, "localhost", true).unwrap_err();
    assert_refused(&s, &e, &["not valid for", "name", "host", "mismatch"]);
}

#[test]
fn expired_certificate_is_refused() {
    let s = setup(CertProblem::Expired, "127.0.0.1");
    let e = login(&s, "127.0.0.1", true).unwrap_err();
    assert_refused(&s, &e, &["expired", "not valid", "validity"]);
}

#[test]
fn self_signed_certificate_is_refused() {
    let s = setup(CertProblem::SelfSigned, "127.0.0.1");
    let e = login(&s, "127.0.0.1", true).unwrap_err();
    assert_refused(&s, &e, &["unknown", "issuer", "not trusted", "self"]);
}

#[test]
fn fake_org_needs_its_own_ca() {
    let fake = Fake::start(&["--generate", "accounts=2"]);
    // With its CA: works.
    let mut c = fake.client("soap-login");
    c.call("login", &json!({}))
        .expect("login to the fake with its CA");
    // With a CA that signed something else: refused, as TRANSPORT, naming
    // the certificate; REST/OAuth the same.
    let other = TlsServer::start(CertProblem::None, |_| String::new());
    let dir = std::env::temp_dir().join(format!("sfclient-tls-fake-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    for flow in ["soap-login", "oauth-client-credentials"] {
        let mut cfg = fake.config(flow);
        cfg["ca_file"] = other.ca_file(&dir).into();
        let e = common::client_from(&cfg)
            .call("login", &json!({}))
            .unwrap_err();
        assert_eq!(e.kind, ErrorKind::Transport, "{flow}: {e}");
        assert!(
            e.message.to_lowercase().contains("certificate"),
            "{flow}: {e}"
        );
    }
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn https_urls_never_downgrade_to_http() {
    // A plain-HTTP server behind an https:// URL, answering at once: the
    // handshake fails (TRANSPORT), and no plain request follows.
    use std::io::{Read, Write};
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let seen = std::sync::Arc::new(std::sync::Mutex::new(Vec::<u8>::new()));
    let seen2 = seen.clone();
    let server = std::thread::spawn(move || {
        // At most the attempts a client could make (max_retries 0: one).
        for _ in 0..2 {
            let Ok((mut conn, _)) = listener.accept() else {
                return;
            };
            let _ = conn.write_all(
                b"HTTP/1.1 200 OK\r\nContent-Type: text/xml\r\nContent-Length: 5\r\n\r\nplain",
            );
            let _ = conn.set_read_timeout(Some(std::time::Duration::from_secs(2)));
            let mut buf = [0u8; 4096];
            while let Ok(n) = conn.read(&mut buf) {
                if n == 0 {
                    break;
                }
                seen2.lock().unwrap().extend_from_slice(&buf[..n]);
            }
        }
    });
    let mut c = common::client_from(&json!({
        "username": "u", "password": "p",
        "login_url": format!("https://127.0.0.1:{port}/services/Soap/u/64.0"),
        "max_retries": 0, "timeout_secs": 5,
    }));
    let e = c.call("login", &json!({})).unwrap_err();
    assert_eq!(e.kind, ErrorKind::Transport, "{e}");
    // Unblock the second accept and collect what the client sent.
    let _ = std::net::TcpStream::connect(("127.0.0.1", port));
    let _ = server.join();
    let seen = seen.lock().unwrap();
    assert!(
        !seen.windows(4).any(|w| w == b"POST"),
        "a plain-HTTP request was sent"
    );
}
