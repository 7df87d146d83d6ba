//! Shared helpers of the integration tests: the fake Salesforce org over
//! HTTPS (started by `fake_salesforce::launcher`), build client configurations for each auth flow, and a tiny
//! HTTP CONNECT proxy that counts its tunnels.
#![allow(dead_code)]

use fake_salesforce::launcher;
use serde_json::{json, Value};
use std::io::{Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

/// A running fake org over HTTPS: the one launcher
/// (`fake_salesforce::launcher`) plus client configurations and control
/// requests. `info`, `s()` and `port()` come from the launcher.
pub struct Fake(launcher::Fake);

impl std::ops::Deref for Fake {
    type Target = launcher::Fake;
    fn deref(&self) -> &launcher::Fake {
        &self.0
    }
}

impl Fake {
    /// Starts the fake with TLS and the given extra arguments.
    pub fn start(extra: &[&str]) -> Fake {
        let mut args = vec!["--tls"];
        args.extend_from_slice(extra);
        Fake(launcher::Fake::start(&args))
    }

    /// Base config shared by all flows: the fake's CA, short timeouts.
    pub fn base_config(&self) -> Value {
        json!({
            "ca_file": self.s("ca_file"),
            "api_version": self.s("api_version"),
            "connect_timeout_secs": 5,
            "timeout_secs": 30,
        })
    }

    /// Config for a flow, with the fake's credentials.
    pub fn config(&self, flow: &str) -> Value {
        let mut c = self.base_config();
        let o = c.as_object_mut().unwrap();
        o.insert("auth_flow".into(), flow.into());
        match flow {
            "soap-login" => {
                o.insert("login_url".into(), self.s("soap_login_url").into());
                o.insert("username".into(), self.s("username").into());
                o.insert("password".into(), self.s("password").into());
                o.insert("security_token".into(), self.s("security_token").into());
            }
            "oauth-password" => {
                o.insert("login_host".into(), self.s("login_host").into());
                o.insert("client_id".into(), self.s("client_id").into());
                o.insert("client_secret".into(), self.s("client_secret").into());
                o.insert("username".into(), self.s("username").into());
                o.insert("password".into(), self.s("password").into());
                o.insert("security_token".into(), self.s("security_token").into());
            }
            "oauth-client-credentials" => {
                o.insert("login_host".into(), self.s("login_host").into());
                o.insert("client_id".into(), self.s("client_id").into());
                o.insert("client_secret".into(), self.s("client_secret").into());
            }
            "oauth-jwt" => {
                o.insert("login_host".into(), self.s("login_host").into());
                o.insert("client_id".into(), self.s("client_id").into());
                o.insert("username".into(), self.s("username").into());
                o.insert(
                    "private_key_file".into(),
                    self.s("jwt_private_key_file").into(),
                );
            }
            "oauth-refresh-token" => {
                o.insert("login_host".into(), self.s("login_host").into());
                o.insert("client_id".into(), self.s("client_id").into());
                o.insert("client_secret".into(), self.s("client_secret").into());
                o.insert("refresh_token".into(), self.s("refresh_token").into());
            }
            other => panic!("no test config for {other}"),
        }
        c
    }

    /// A client for a flow, with short retry backoff.
    pub fn client(&self, flow: &str) -> sfclient::Client {
        client_from(&self.config(flow))
    }

    /// Adds one fault rule (see the fake's control API), e.g.
    /// `{"fault": "http503", "on": "query", "count": 1}`.
    pub fn inject(&self, rule: Value) -> Value {
        self.control(rule)
    }

    /// POSTs a JSON command to the fake's control URL.
    pub fn control(&self, body: Value) -> Value {
        let http = reqwest::blocking::Client::builder()
            .add_root_certificate(
                reqwest::Certificate::from_pem(&std::fs::read(self.s("ca_file")).unwrap()).unwrap(),
            )
            .no_proxy()
            .build()
            .unwrap();
        let resp = http
            .post(self.s("control_url"))
            .json(&body)
            .send()
            .expect("control request");
        let status = resp.status();
        let text = resp.text().unwrap_or_default();
        assert!(status.is_success(), "control {body} -> {status}: {text}");
        serde_json::from_str(&text).unwrap_or(Value::Null)
    }
}

pub fn client_from(cfg: &Value) -> sfclient::Client {
    let mut c = sfclient::Client::from_json(&cfg.to_string()).expect("client config");
    c.set_backoff_base(Duration::from_millis(20));
    c
}

/// A minimal HTTP CONNECT proxy on 127.0.0.1 that counts the tunnels it
/// opened, optionally demanding Basic credentials. Stops when dropped.
pub struct ConnectProxy {
    pub port: u16,
    pub tunnels: Arc<AtomicUsize>,
    pub refused: Arc<AtomicUsize>,
    stop: Arc<AtomicBool>,
}

impl ConnectProxy {
    pub fn start(credentials: Option<(&str, &str)>) -> ConnectProxy {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind proxy");
        let port = listener.local_addr().unwrap().port();
        let tunnels = Arc::new(AtomicUsize::new(0));
        let refused = Arc::new(AtomicUsize::new(0));
        let stop = Arc::new(AtomicBool::new(false));
        let expected = credentials.map(|(u, p)| {
            use base64::Engine;
            format!(
                "Basic {}",
                base64::engine::general_purpose::STANDARD.encode(format!("{u}:{p}"))
            )
        });
        let (t, r, s) = (tunnels.clone(), refused.clone(), stop.clone());
        std::thread::spawn(move || {
            for conn in listener.incoming() {
                if s.load(Ordering::SeqCst) {
                    break;
                }
                let Ok(conn) = conn else { continue };
                let (t, r, expected) = (t.clone(), r.clone(), expected.clone());
                std::thread::spawn(move || handle_connect(conn, expected, t, r));
            }
        });
        ConnectProxy {
            port,
            tunnels,
            refused,
            stop,
        }
    }

    pub fn url(&self, credentials: Option<(&str, &str)>) -> String {
        match credentials {
            Some((u, p)) => format!("http://{u}:{p}@127.0.0.1:{}", self.port),
            None => format!("http://127.0.0.1:{}", self.port),
        }
    }

    pub fn tunnels(&self) -> usize {
        self.tunnels.load(Ordering::SeqCst)
    }
}

impl Drop for ConnectProxy {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        // Wake the accept loop.
        let _ = TcpStream::connect(("127.0.0.1", self.port));
    }
}

fn handle_connect(
    mut conn: TcpStream,
    expected: Option<String>,
    tunnels: Arc<AtomicUsize>,
    refused: Arc<AtomicUsize>,
) {
    let _ = conn.set_read_timeout(Some(Duration::from_secs(10)));
    let mut head = Vec::new();
    let mut byte = [0u8; 1];
    while !head.ends_with(b"\r\n\r\n") {
        match conn.read(&mut byte) {
            Ok(1) => head.push(byte[0]),
            _ => return,
        }
        if head.len() > 16 * 1024 {
            return;
        }
    }
    let text = String::from_utf8_lossy(&head).to_string();
    let mut lines = text.split("\r\n");
    let request = lines.next().unwrap_or("");
    let mut parts = request.split(' ');
    let (method, target) = (parts.next().unwrap_or(""), parts.next().unwrap_or(""));
    if method != "CONNECT" || !target.starts_with("127.0.0.1:") {
        let _ = conn.write_all(b"HTTP/1.1 405 Method Not Allowed\r\nContent-Length: 0\r\n\r\n");
        return;
    }
    if let Some(want) = expected {
        let got = lines
            .filter_map(|l| l.split_once(':'))
            .find(|(k, _)| k.trim().eq_ignore_ascii_case("proxy-authorization"))
            .map(|(_, v)| v.trim().to_string());
        if got.as_deref() != Some(want.as_str()) {
            refused.fetch_add(1, Ordering::SeqCst);
            let _ = conn.write_all(
                b"HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic realm=\"test\"\r\nContent-Length: 0\r\n\r\n",
            );
            return;
        }
    }
    let Ok(upstream) = TcpStream::connect(target) else {
        let _ = conn.write_all(b"HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\n\r\n");
        return;
    };
    if conn
        .write_all(b"HTTP/1.1 200 Connection established\r\n\r\n")
        .is_err()
    {
        return;
    }
    tunnels.fetch_add(1, Ordering::SeqCst);
    let _ = conn.set_read_timeout(None);
    let (mut c2, mut u2) = (conn.try_clone().unwrap(), upstream.try_clone().unwrap());
    let (mut c1, mut u1) = (conn, upstream);
    let a = std::thread::spawn(move || {
        let _ = std::io::copy(&mut c1, &mut u1);
        let _ = u1.shutdown(Shutdown::Write);
    });
    let _ = std::io::copy(&mut u2, &mut c2);
    let _ = c2.shutdown(Shutdown::Write);
    let _ = a.join();
}

/// Asserts that none of `secrets` occurs in `text`.
pub fn assert_no_secrets(what: &str, text: &str, secrets: &[String]) {
    for s in secrets {
        assert!(
            !s.is_empty() && !text.contains(s.as_str()),
            "{what} leaks a secret ({s:?}): {text}"
        );
    }
}

/// One scripted answer of [`ScriptServer`].
#[derive(Clone)]
pub struct Scripted {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
    /// Wait this long before answering (timeouts).
    pub delay: Duration,
    /// Close the connection without answering (connection reset).
    pub hang_up: bool,
}

impl Scripted {
    pub fn ok(body: &str) -> Scripted {
        Scripted::status(200, body)
    }
    pub fn status(status: u16, body: &str) -> Scripted {
        Scripted {
            status,
            headers: vec![("Content-Type".into(), "text/xml;charset=UTF-8".into())],
            body: body.as_bytes().to_vec(),
            delay: Duration::ZERO,
            hang_up: false,
        }
    }
    pub fn header(mut self, k: &str, v: &str) -> Scripted {
        self.headers.push((k.into(), v.into()));
        self
    }
}

/// A plain-HTTP server on 127.0.0.1 that answers each request with the
/// next scripted response (the last one repeats) and records the request
/// heads it saw. One request per connection (`Connection: close`).
pub struct ScriptServer {
    pub port: u16,
    pub heads: Arc<std::sync::Mutex<Vec<String>>>,
    stop: Arc<AtomicBool>,
}

impl ScriptServer {
    pub fn start(script: Vec<Scripted>) -> ScriptServer {
        ScriptServer::start_with(move |_| script)
    }

    /// Like `start`, for scripts that need the server's own port (URLs in
    /// login responses).
    pub fn start_with(script: impl FnOnce(u16) -> Vec<Scripted>) -> ScriptServer {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
        let port = listener.local_addr().unwrap().port();
        let script = script(port);
        let heads = Arc::new(std::sync::Mutex::new(Vec::new()));
        let stop = Arc::new(AtomicBool::new(false));
        let (h, s) = (heads.clone(), stop.clone());
        std::thread::spawn(move || {
            let mut n = 0usize;
            for conn in listener.incoming() {
                if s.load(Ordering::SeqCst) {
                    break;
                }
                let Ok(mut conn) = conn else { continue };
                let answer = script[n.min(script.len() - 1)].clone();
                n += 1;
                let h = h.clone();
                std::thread::spawn(move || {
                    let _ = conn.set_read_timeout(Some(Duration::from_secs(10)));
                    let Some(head) = read_request(&mut conn) else {
                        return;
                    };
                    h.lock().unwrap().push(head);
                    std::thread::sleep(answer.delay);
                    if answer.hang_up {
                        let _ = conn.shutdown(Shutdown::Both);
                        return;
                    }
                    let mut out = format!("HTTP/1.1 {} X\r\n", answer.status);
                    for (k, v) in &answer.headers {
                        out.push_str(&format!("{k}: {v}\r\n"));
                    }
                    out.push_str(&format!(
                        "Content-Length: {}\r\nConnection: close\r\n\r\n",
                        answer.body.len()
                    ));
                    let _ = conn.write_all(out.as_bytes());
                    let _ = conn.write_all(&answer.body);
                    let _ = conn.flush();
                });
            }
        });
        ScriptServer { port, heads, stop }
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}{path}", self.port)
    }

    pub fn requests(&self) -> usize {
        self.heads.lock().unwrap().len()
    }
}

impl Drop for ScriptServer {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        let _ = TcpStream::connect(("127.0.0.1", self.port));
    }
}

/// Reads one HTTP/1.1 request from `conn`: the head, then as many body
/// bytes as its Content-Length says (a short body is left as it came).
/// Returns the head, or None when the connection ends before the head does.
pub fn read_request(conn: &mut impl Read) -> Option<String> {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 4096];
    let head_end = loop {
        if let Some(i) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            break i + 4;
        }
        match conn.read(&mut chunk) {
            Ok(0) | Err(_) => return None,
            Ok(k) => buf.extend_from_slice(&chunk[..k]),
        }
    };
    let head = String::from_utf8_lossy(&buf[..head_end]).to_string();
    let len = head
        .lines()
        .filter_map(|l| l.split_once(':'))
        .find(|(k, _)| k.trim().eq_ignore_ascii_case("content-length"))
        .and_then(|(_, v)| v.trim().parse::<usize>().ok())
        .unwrap_or(0);
    while buf.len() < head_end + len {
        match conn.read(&mut chunk) {
            Ok(0) | Err(_) => break,
            Ok(k) => buf.extend_from_slice(&chunk[..k]),
        }
    }
    Some(head)
}
